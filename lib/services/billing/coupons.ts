import { and, eq, inArray } from "drizzle-orm";
import type Stripe from "stripe";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import {
  type BillingCoupon,
  type BillingCustomer,
  type BillingSubscription,
  billingCoupons,
  billingSubscriptions,
} from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { keyset, type Page } from "@/lib/pagination";
import { recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";
import type { ApplyCoupon, CouponCreate } from "@/lib/validation/billing";
import { upsertCoupon, upsertCustomer, upsertSubscription } from "./mirror";
import { billingPage, getCouponInOrg, getCustomerInOrg, getSubscriptionInOrg, referenced } from "./rows";
import {
  answerTime,
  assertBillingConfigured,
  callStripe,
  stripe,
  stripeIdempotencyKey,
  stripeTimeOf,
} from "./stripe";

/** Subscriptions that still bill, and so take a newly applied coupon. */
const LIVE_STATUSES = ["active", "trialing", "past_due", "unpaid", "incomplete", "paused"];

/** Creates a coupon (percent or amount off; once, repeating for some months, or forever). */
export async function createCoupon({
  ctx,
  input,
  idempotencyKey,
}: {
  ctx: Ctx;
  input: CouponCreate;
  idempotencyKey?: string | null;
}): Promise<BillingCoupon> {
  requirePermission(ctx, "billing:write");
  const client = stripe();
  const params: Stripe.CouponCreateParams = {
    name: input.name,
    percent_off: input.percent_off,
    amount_off: input.amount_off,
    currency: input.amount_off !== undefined ? input.currency : undefined,
    duration: input.duration,
    duration_in_months: input.duration_in_months,
    max_redemptions: input.max_redemptions,
    redeem_by: input.redeem_by ? Math.floor(Date.parse(input.redeem_by) / 1000) : undefined,
    metadata: { ...input.metadata, org_id: ctx.orgId },
  };
  const coupon = await callStripe(
    () =>
      client.coupons.create(params, {
        idempotencyKey: stripeIdempotencyKey(ctx, "coupons.create", idempotencyKey),
      }),
    Object.fromEntries(Object.keys(params).map((k) => [k, k])),
  );
  const db = await getDb();
  return db.transaction(async (tx) => {
    const mirrored = await upsertCoupon(tx, ctx.orgId, coupon, answerTime(coupon));
    if (!mirrored.row) throw new AppError("internal_error", "Stripe coupon could not be mirrored");
    if (mirrored.inserted) {
      await recordAudit(tx, ctx, {
        action: "billing.coupon.created",
        resourceType: "billing_coupon",
        resourceId: coupon.id,
        changes: { ...input },
      });
    }
    return mirrored.row;
  });
}

/** Coupons of the organisation, newest first. */
export async function listCoupons({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { limit: number; cursor?: string };
}): Promise<Page<BillingCoupon>> {
  requirePermission(ctx, "billing:read");
  assertBillingConfigured();
  const db = await getDb();
  const t = billingCoupons;
  const page = keyset(t.stripeCreatedAt, t.id, input.cursor);
  const rows = await db
    .select()
    .from(t)
    .where(and(eq(t.orgId, ctx.orgId), page.where))
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  return billingPage(rows, input.limit);
}

/**
 * Applies a coupon to a customer: to one subscription when named, else to
 * each of the customer's live subscriptions, and (as metadata.coupon_id on the
 * Stripe customer) to the subscriptions created for the customer from now on.
 * Stripe's current API has no customer-level coupon, hence the metadata.
 */
export async function applyCouponToCustomer({
  ctx,
  customerId,
  input,
  idempotencyKey,
}: {
  ctx: Ctx;
  customerId: string;
  input: ApplyCoupon;
  idempotencyKey?: string | null;
}): Promise<{ customer: BillingCustomer; subscriptions: BillingSubscription[] }> {
  requirePermission(ctx, "billing:write");
  const client = stripe();
  const db = await getDb();
  const customer = await getCustomerInOrg(db, ctx, customerId);
  const coupon = await referenced("coupon_id", "coupon", () => getCouponInOrg(db, ctx, input.coupon_id));
  if (!coupon.valid) {
    throw new AppError(
      "coupon_invalid",
      "The coupon can no longer be redeemed",
      [{ field: "coupon_id", message: "is no longer valid" }],
      422,
    );
  }
  let targets: BillingSubscription[];
  const subscriptionId = input.subscription_id;
  if (subscriptionId) {
    const one = await referenced("subscription_id", "subscription", () =>
      getSubscriptionInOrg(db, ctx, subscriptionId),
    );
    if (one.customerId !== customer.id) {
      throw new AppError(
        "subscription_not_found",
        "subscription_id does not name a subscription of this customer",
        [{ field: "subscription_id", message: "belongs to another customer" }],
        422,
      );
    }
    targets = [one];
  } else {
    targets = await db
      .select()
      .from(billingSubscriptions)
      .where(
        and(
          eq(billingSubscriptions.orgId, ctx.orgId),
          eq(billingSubscriptions.customerId, customer.id),
          inArray(billingSubscriptions.status, LIVE_STATUSES),
        ),
      );
  }
  const key = (what: string) =>
    stripeIdempotencyKey(ctx, `apply_coupon:${customer.id}:${coupon.id}:${what}`, idempotencyKey);
  const updatedCustomer = await callStripe(() =>
    client.customers.update(
      customer.id,
      { metadata: { coupon_id: coupon.id } },
      { idempotencyKey: key("customer") },
    ),
  );
  const updatedSubscriptions: Stripe.Response<Stripe.Subscription>[] = [];
  for (const s of targets) {
    updatedSubscriptions.push(
      await callStripe(() =>
        client.subscriptions.update(
          s.id,
          { discounts: [{ coupon: coupon.id }], expand: ["discounts"] },
          { idempotencyKey: key(s.id) },
        ),
      ),
    );
  }
  return db.transaction(async (tx) => {
    const c = await upsertCustomer(tx, ctx.orgId, updatedCustomer, stripeTimeOf(updatedCustomer));
    const subs: BillingSubscription[] = [];
    for (const s of updatedSubscriptions) {
      const m = await upsertSubscription(tx, ctx.orgId, s, stripeTimeOf(s));
      if (m.row) subs.push(m.row);
    }
    await recordAudit(tx, ctx, {
      action: "billing.coupon.applied",
      resourceType: "billing_customer",
      resourceId: customer.id,
      changes: { coupon_id: coupon.id, subscriptions: subs.map((s) => s.id) },
    });
    return { customer: c.row ?? customer, subscriptions: subs };
  });
}
