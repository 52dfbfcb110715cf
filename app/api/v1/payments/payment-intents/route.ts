import { handle } from "@/lib/api/handler";
import { billingOps } from "@/lib/api/ops/billing";
import { createPaymentIntent, listPaymentIntents } from "@/lib/services/billing/payment-intents";
import { toPaymentIntentJson } from "@/lib/validation/billing";

export const GET = handle(billingOps.listPaymentIntents, async ({ ctx, query }) => {
  const page = await listPaymentIntents({ ctx, input: query });
  return { data: page.data.map(toPaymentIntentJson), next_cursor: page.nextCursor };
});

export const POST = handle(billingOps.createPaymentIntent, async ({ ctx, body, req }) => {
  const r = await createPaymentIntent({
    ctx,
    input: body,
    idempotencyKey: req.headers.get("idempotency-key"),
  });
  return { ...toPaymentIntentJson(r.row), client_secret: r.clientSecret };
});
