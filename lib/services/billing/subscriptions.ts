import { and, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { requirePermission } from "@/lib/auth/permissions";
import { type Executor, getDb } from "@/lib/db";
import { type BillingSubscription, billingSubscriptions } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { keyset, type Page } from "@/lib/pagination";
import { recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";
import type { SubscriptionCancel, SubscriptionCreate, SubscriptionQuery } from "@/lib/validation/billing";
import { invoiceLines } from "./invoices";
import { upsertInvoice, upsertSubscription } from "./mirror";
import { billingPage, getCouponInOrg, getCustomerInOrg, getSubscriptionInOrg, referenced } from "./rows";
import {
  answerTime,
  assertBillingConfigured,
  callStripe,
  stripe,
  stripeIdempotencyKey,
  stripeTimeOf,
} from "./stripe";

const SUBSCRIPTION_PARAMS = {
  customer: "customer_id",
  "items[0][price]": "price_id",
  "items[0][quantity]": "quantity",
  trial_period_days: "trial_period_days",
  "discounts[0][coupon]": "coupon_id",
};

/** Mirrors a subscription and, when Stripe embedded it, its latest invoice. */
async function mirrorSubscription(
  db: Executor,
  orgId: string,
  subscription: Stripe.Subscription,
  stateAt: Date,
  lines?: Stripe.InvoiceLineItem[],
) {
  const mirrored = await upsertSubscription(db, orgId, subscription, stateAt);
  const invoice = subscription.latest_invoice;
  if (invoice && typeof invoice !== "string") await upsertInvoice(db, orgId, invoice, stateAt, lines);
  return mirrored;
}

async function linesOfLatest(subscription: Stripe.Subscription) {
  const invoice = subscription.latest_invoice;
  return invoice && typeof invoice !== "string" ? invoiceLines(invoice) : undefined;
}

/** Subscribes a customer of the organisation to a price. */
export async function createSubscription({
  ctx,
  input,
  idempotencyKey,
}: {
  ctx: Ctx;
  input: SubscriptionCreate;
  idempotencyKey?: string | null;
}): Promise<BillingSubscription> {
  requirePermission(ctx, "billing:write");
  const client = stripe();
  const db = await getDb();
  const customer = await referenced("customer_id", "customer", () =>
    getCustomerInOrg(db, ctx, input.customer_id),
  );
  const couponId = input.coupon_id ?? customer.couponId;
  if (input.coupon_id) {
    const id = input.coupon_id;
    await referenced("coupon_id", "coupon", () => getCouponInOrg(db, ctx, id));
  }
  const subscription = await callStripe(
    () =>
      client.subscriptions.create(
        {
          customer: customer.id,
          items: [{ price: input.price_id, quantity: input.quantity }],
          trial_period_days: input.trial_period_days,
          discounts: couponId ? [{ coupon: couponId }] : undefined,
          metadata: { ...input.metadata, org_id: ctx.orgId },
          expand: ["latest_invoice", "discounts", "latest_invoice.total_discount_amounts.discount"],
        },
        { idempotencyKey: stripeIdempotencyKey(ctx, "subscriptions.create", idempotencyKey) },
      ),
    SUBSCRIPTION_PARAMS,
  );
  const lines = await linesOfLatest(subscription);
  return db.transaction(async (tx) => {
    const mirrored = await mirrorSubscription(tx, ctx.orgId, subscription, answerTime(subscription), lines);
    if (!mirrored.row) throw new AppError("internal_error", "Stripe subscription could not be mirrored");
    if (mirrored.inserted) {
      await recordAudit(tx, ctx, {
        action: "billing.subscription.created",
        resourceType: "billing_subscription",
        resourceId: subscription.id,
        changes: {
          customer_id: customer.id,
          price_id: input.price_id,
          quantity: input.quantity,
          coupon_id: couponId,
          trial_period_days: input.trial_period_days,
        },
      });
    }
    return mirrored.row;
  });
}

/** Cancels now, or at the end of the current period. */
export async function cancelSubscription({
  ctx,
  id,
  input,
  idempotencyKey,
}: {
  ctx: Ctx;
  id: string;
  input: SubscriptionCancel;
  idempotencyKey?: string | null;
}): Promise<BillingSubscription> {
  requirePermission(ctx, "billing:write");
  const client = stripe();
  const db = await getDb();
  const current = await getSubscriptionInOrg(db, ctx, id);
  if (current.status === "canceled" || current.status === "incomplete_expired") {
    throw new AppError("subscription_ended", "The subscription has already ended", undefined, 422);
  }
  const subscription = await callStripe(() =>
    input.at_period_end
      ? client.subscriptions.update(
          id,
          { cancel_at_period_end: true, expand: ["discounts"] },
          {
            idempotencyKey: stripeIdempotencyKey(
              ctx,
              `subscriptions.cancel_at_period_end:${id}`,
              idempotencyKey,
            ),
          },
        )
      : client.subscriptions.cancel(id, { expand: ["discounts"] }),
  );
  return db.transaction(async (tx) => {
    const mirrored = await upsertSubscription(tx, ctx.orgId, subscription, stripeTimeOf(subscription));
    const row = mirrored.row ?? current;
    await recordAudit(tx, ctx, {
      action: "billing.subscription.canceled",
      resourceType: "billing_subscription",
      resourceId: id,
      changes: { at_period_end: input.at_period_end, status: { from: current.status, to: row.status } },
    });
    return row;
  });
}

/** A subscription of the organisation. */
export async function getSubscription({ ctx, id }: { ctx: Ctx; id: string }): Promise<BillingSubscription> {
  requirePermission(ctx, "billing:read");
  assertBillingConfigured();
  return getSubscriptionInOrg(await getDb(), ctx, id);
}

/** Subscriptions of the organisation, newest first. */
export async function listSubscriptions({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: SubscriptionQuery;
}): Promise<Page<BillingSubscription>> {
  requirePermission(ctx, "billing:read");
  assertBillingConfigured();
  const db = await getDb();
  const t = billingSubscriptions;
  const page = keyset(t.stripeCreatedAt, t.id, input.cursor);
  const rows = await db
    .select()
    .from(t)
    .where(
      and(
        eq(t.orgId, ctx.orgId),
        input.customer_id ? eq(t.customerId, input.customer_id) : undefined,
        input.status ? eq(t.status, input.status) : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  return billingPage(rows, input.limit);
}
