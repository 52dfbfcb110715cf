import { handle } from "@/lib/api/handler";
import { billingOps } from "@/lib/api/ops/billing";
import { cancelSubscription } from "@/lib/services/billing/subscriptions";
import { toSubscriptionJson } from "@/lib/validation/billing";

export const POST = handle(billingOps.cancelSubscription, async ({ ctx, params, body, req }) =>
  toSubscriptionJson(
    await cancelSubscription({
      ctx,
      id: params.id,
      input: body,
      idempotencyKey: req.headers.get("idempotency-key"),
    }),
  ),
);
