import { handle } from "@/lib/api/handler";
import { billingOps } from "@/lib/api/ops/billing";
import { getInvoice } from "@/lib/services/billing/invoices";
import { toInvoiceDetailJson } from "@/lib/validation/billing";

export const GET = handle(billingOps.getInvoice, async ({ ctx, params }) =>
  toInvoiceDetailJson(await getInvoice({ ctx, id: params.id })),
);
