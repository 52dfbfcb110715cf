import { handle } from "@/lib/api/handler";
import { billingOps } from "@/lib/api/ops/billing";
import { createCustomer, listCustomers } from "@/lib/services/billing/customers";
import { toCustomerJson } from "@/lib/validation/billing";

export const GET = handle(billingOps.listCustomers, async ({ ctx, query }) => {
  const page = await listCustomers({ ctx, input: query });
  return { data: page.data.map(toCustomerJson), next_cursor: page.nextCursor };
});

export const POST = handle(billingOps.createCustomer, async ({ ctx, body, req }) =>
  toCustomerJson(
    await createCustomer({ ctx, input: body, idempotencyKey: req.headers.get("idempotency-key") }),
  ),
);
