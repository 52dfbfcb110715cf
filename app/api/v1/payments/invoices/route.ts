import { handle } from "@/lib/api/handler";
import { billingOps } from "@/lib/api/ops/billing";
import { listInvoices } from "@/lib/services/billing/invoices";
import { toInvoiceJson } from "@/lib/validation/billing";

export const GET = handle(billingOps.listInvoices, async ({ ctx, query }) => {
  const page = await listInvoices({ ctx, input: query });
  return { data: page.data.map(toInvoiceJson), next_cursor: page.nextCursor };
});
