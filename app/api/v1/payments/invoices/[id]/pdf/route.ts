import { handle } from "@/lib/api/handler";
import { billingOps } from "@/lib/api/ops/billing";
import { invoicePdf } from "@/lib/services/billing/invoices";

export const GET = handle(billingOps.invoicePdf, async ({ ctx, params }) => {
  const { pdf, filename } = await invoicePdf({ ctx, id: params.id });
  return new Response(new Uint8Array(pdf), {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "private, no-store",
    },
  });
});
