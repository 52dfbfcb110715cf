import { handle } from "@/lib/api/handler";
import { billingOps } from "@/lib/api/ops/billing";
import { applyCouponToCustomer } from "@/lib/services/billing/coupons";
import { toCustomerJson, toSubscriptionJson } from "@/lib/validation/billing";

export const POST = handle(billingOps.applyCoupon, async ({ ctx, params, body, req }) => {
  const r = await applyCouponToCustomer({
    ctx,
    customerId: params.id,
    input: body,
    idempotencyKey: req.headers.get("idempotency-key"),
  });
  return { customer: toCustomerJson(r.customer), subscriptions: r.subscriptions.map(toSubscriptionJson) };
});
