import { handle } from "@/lib/api/handler";
import { billingOps } from "@/lib/api/ops/billing";
import { createCoupon, listCoupons } from "@/lib/services/billing/coupons";
import { toCouponJson } from "@/lib/validation/billing";

export const GET = handle(billingOps.listCoupons, async ({ ctx, query }) => {
  const page = await listCoupons({ ctx, input: query });
  return { data: page.data.map(toCouponJson), next_cursor: page.nextCursor };
});

export const POST = handle(billingOps.createCoupon, async ({ ctx, body, req }) =>
  toCouponJson(await createCoupon({ ctx, input: body, idempotencyKey: req.headers.get("idempotency-key") })),
);
