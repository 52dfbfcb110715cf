import { handle } from "@/lib/api/handler";
import { billingOps } from "@/lib/api/ops/billing";
import { createSubscription, listSubscriptions } from "@/lib/services/billing/subscriptions";
import { toSubscriptionJson } from "@/lib/validation/billing";

export const GET = handle(billingOps.listSubscriptions, async ({ ctx, query }) => {
  const page = await listSubscriptions({ ctx, input: query });
  return { data: page.data.map(toSubscriptionJson), next_cursor: page.nextCursor };
});

export const POST = handle(billingOps.createSubscription, async ({ ctx, body, req }) =>
  toSubscriptionJson(
    await createSubscription({ ctx, input: body, idempotencyKey: req.headers.get("idempotency-key") }),
  ),
);
