import { and, eq, lte, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { z } from "zod";
import type { Executor } from "@/lib/db";
import {
  type BillingAddress,
  type BillingCoupon,
  type BillingCustomer,
  type BillingInvoice,
  type BillingPaymentIntent,
  type BillingSubscription,
  billingCoupons,
  billingCustomers,
  billingInvoices,
  billingPaymentIntents,
  billingSubscriptions,
  type InvoiceAmountSnapshot,
  type InvoiceLineSnapshot,
  organisations,
  type SubscriptionItemSnapshot,
} from "@/lib/db/schema";

// Stripe objects → mirror rows. Every write is an upsert keyed by Stripe's id
// that only lands when the incoming state is at least as recent as the stored
// one (stripe_state_at) and the row belongs to the same organisation.

const at = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null);
const idOf = (x: string | { id: string } | null | undefined) => (typeof x === "string" ? x : (x?.id ?? null));

function metadataOf(m: Stripe.Metadata | null | undefined): Record<string, string> {
  return { ...(m ?? {}) };
}

function addressOf(a: Stripe.Address | null | undefined): BillingAddress | null {
  if (!a) return null;
  return {
    line1: a.line1,
    line2: a.line2,
    city: a.city,
    state: a.state,
    postal_code: a.postal_code,
    country: a.country,
  };
}

export function customerValues(c: Stripe.Customer) {
  return {
    email: c.email,
    name: c.name ?? null,
    phone: c.phone ?? null,
    description: c.description,
    address: addressOf(c.address),
    defaultPaymentMethod: idOf(c.invoice_settings?.default_payment_method) ?? idOf(c.default_source),
    couponId: c.metadata?.coupon_id || null,
    balance: c.balance ?? 0,
    currency: c.currency ?? null,
    delinquent: Boolean(c.delinquent),
    deleted: false,
    metadata: metadataOf(c.metadata),
    livemode: c.livemode,
    stripeCreatedAt: new Date(c.created * 1000),
  };
}

export function paymentIntentValues(p: Stripe.PaymentIntent) {
  return {
    customerId: idOf(p.customer),
    amount: p.amount,
    currency: p.currency,
    status: p.status,
    description: p.description,
    amountReceived: p.amount_received,
    latestChargeId: idOf(p.latest_charge),
    lastError: p.last_payment_error?.message ?? null,
    metadata: metadataOf(p.metadata),
    livemode: p.livemode,
    stripeCreatedAt: new Date(p.created * 1000),
  };
}

function itemOf(i: Stripe.SubscriptionItem): SubscriptionItemSnapshot {
  return {
    id: i.id,
    price_id: i.price.id,
    product_id: idOf(i.price.product),
    quantity: i.quantity ?? 1,
    unit_amount: i.price.unit_amount,
    currency: i.price.currency,
    interval: i.price.recurring?.interval ?? null,
    interval_count: i.price.recurring?.interval_count ?? null,
    current_period_start: i.current_period_start ?? null,
    current_period_end: i.current_period_end ?? null,
  };
}

function couponIdOf(d: string | Stripe.Discount): string | null {
  return typeof d === "string" ? null : idOf(d.source?.coupon);
}

export function subscriptionValues(s: Stripe.Subscription) {
  const items = s.items.data.map(itemOf);
  const first = items[0];
  const starts = items.map((i) => i.current_period_start).filter((n): n is number => n !== null);
  const ends = items.map((i) => i.current_period_end).filter((n): n is number => n !== null);
  return {
    customerId: idOf(s.customer) ?? "",
    status: s.status,
    items,
    priceId: first?.price_id ?? null,
    quantity: first?.quantity ?? null,
    currency: s.currency,
    cancelAtPeriodEnd: s.cancel_at_period_end,
    cancelAt: at(s.cancel_at),
    canceledAt: at(s.canceled_at),
    endedAt: at(s.ended_at),
    currentPeriodStart: starts.length ? at(Math.min(...starts)) : null,
    currentPeriodEnd: ends.length ? at(Math.min(...ends)) : null,
    trialEnd: at(s.trial_end),
    latestInvoiceId: idOf(s.latest_invoice),
    // Unexpanded discounts (di_… ids, as in webhook payloads) do not name their coupon: keep what is stored.
    ...(s.discounts.every((d) => typeof d !== "string")
      ? { couponIds: s.discounts.map(couponIdOf).filter((c): c is string => c !== null) }
      : {}),
    metadata: metadataOf(s.metadata),
    livemode: s.livemode,
    stripeCreatedAt: new Date(s.created * 1000),
  };
}

function lineOf(l: Stripe.InvoiceLineItem): InvoiceLineSnapshot {
  return {
    id: l.id,
    description: l.description,
    quantity: l.quantity,
    amount: l.amount,
    currency: l.currency,
    period_start: l.period?.start ?? null,
    period_end: l.period?.end ?? null,
    price_id: idOf(l.pricing?.price_details?.price),
  };
}

function discountOf(
  d: string | Stripe.Discount | Stripe.DeletedDiscount,
  amount: number,
): InvoiceAmountSnapshot {
  // An unexpanded discount is only its id; the coupon's name is then looked up locally when shown.
  const coupon = typeof d !== "string" && "source" in d ? d.source?.coupon : null;
  if (coupon && typeof coupon !== "string") {
    const off = coupon.percent_off ? ` (${coupon.percent_off}% off)` : "";
    return { label: `${coupon.name ?? coupon.id}${off}`, amount, coupon_id: coupon.id };
  }
  return { label: "Discount", amount, coupon_id: typeof coupon === "string" ? coupon : null };
}

function taxLabel(t: Stripe.Invoice.TotalTax): string {
  if (t.taxable_amount && t.taxable_amount > 0) {
    const pct = Math.round((t.amount / t.taxable_amount) * 10_000) / 100;
    return `Tax (${pct}%)`;
  }
  return "Tax";
}

/** The invoice's subscription, from `parent` (current API) or the lines. */
export function subscriptionIdOfInvoice(i: Stripe.Invoice): string | null {
  const fromParent = idOf(i.parent?.subscription_details?.subscription);
  if (fromParent) return fromParent;
  for (const l of i.lines?.data ?? []) {
    const s = idOf(l.subscription);
    if (s) return s;
  }
  return null;
}

/** `lines` is every line of the invoice (Stripe embeds only the first page). */
export function invoiceValues(i: Stripe.Invoice, lines: Stripe.InvoiceLineItem[] = i.lines.data) {
  const discounts = (i.total_discount_amounts ?? []).map((d) => discountOf(d.discount, d.amount));
  const taxes: InvoiceAmountSnapshot[] = (i.total_taxes ?? []).map((t) => ({
    label: taxLabel(t),
    amount: t.amount,
  }));
  return {
    customerId: idOf(i.customer),
    subscriptionId: subscriptionIdOfInvoice(i),
    number: i.number,
    status: i.status,
    currency: i.currency,
    subtotal: i.subtotal,
    totalDiscount: discounts.reduce((s, d) => s + d.amount, 0),
    totalTax: taxes.reduce((s, t) => s + t.amount, 0),
    total: i.total,
    amountDue: i.amount_due,
    amountPaid: i.amount_paid,
    amountRemaining: i.amount_remaining,
    lines: lines.map(lineOf),
    discounts,
    taxes,
    customerName: i.customer_name,
    customerEmail: i.customer_email,
    customerAddress: addressOf(i.customer_address),
    description: i.description,
    hostedInvoiceUrl: i.hosted_invoice_url ?? null,
    invoicePdf: i.invoice_pdf ?? null,
    periodStart: at(i.period_start),
    periodEnd: at(i.period_end),
    dueDate: at(i.due_date),
    finalizedAt: at(i.status_transitions?.finalized_at),
    paidAt: at(i.status_transitions?.paid_at),
    metadata: metadataOf(i.metadata),
    livemode: i.livemode,
    stripeCreatedAt: new Date(i.created * 1000),
  };
}

export function couponValues(c: Stripe.Coupon) {
  return {
    name: c.name,
    percentOff: c.percent_off,
    amountOff: c.amount_off,
    currency: c.currency,
    duration: c.duration,
    durationInMonths: c.duration_in_months,
    maxRedemptions: c.max_redemptions,
    timesRedeemed: c.times_redeemed,
    redeemBy: at(c.redeem_by),
    valid: c.valid,
    metadata: metadataOf(c.metadata),
    livemode: c.livemode,
    stripeCreatedAt: new Date(c.created * 1000),
  };
}

/** Outcome of a mirror write: the row as stored now, and whether this write changed it. */
export interface Mirrored<T> {
  row: T | null;
  /** false when the stored state was newer (a stale event) or belonged to another organisation. */
  applied: boolean;
  /** true when the row did not exist before. */
  inserted: boolean;
}

async function mirrorWrite<T extends { createdAt: Date; updatedAt: Date }>(
  write: () => Promise<T[]>,
  read: () => Promise<T[]>,
): Promise<Mirrored<T>> {
  const [row] = await write();
  if (row) return { row, applied: true, inserted: row.createdAt.getTime() === row.updatedAt.getTime() };
  const [current] = await read();
  return { row: current ?? null, applied: false, inserted: false };
}

export function upsertCustomer(
  db: Executor,
  orgId: string,
  c: Stripe.Customer,
  stateAt: Date,
): Promise<Mirrored<BillingCustomer>> {
  const values = { ...customerValues(c), stripeStateAt: stateAt };
  const t = billingCustomers;
  return mirrorWrite(
    () =>
      db
        .insert(t)
        .values({ id: c.id, orgId, ...values })
        .onConflictDoUpdate({
          target: t.id,
          set: { ...values, updatedAt: sql`now()` },
          setWhere: and(eq(t.orgId, orgId), lte(t.stripeStateAt, stateAt)),
        })
        .returning(),
    () =>
      db
        .select()
        .from(t)
        .where(and(eq(t.id, c.id), eq(t.orgId, orgId))),
  );
}

export function upsertPaymentIntent(
  db: Executor,
  orgId: string,
  p: Stripe.PaymentIntent,
  stateAt: Date,
): Promise<Mirrored<BillingPaymentIntent>> {
  const values = { ...paymentIntentValues(p), stripeStateAt: stateAt };
  const t = billingPaymentIntents;
  return mirrorWrite(
    () =>
      db
        .insert(t)
        .values({ id: p.id, orgId, ...values })
        .onConflictDoUpdate({
          target: t.id,
          set: { ...values, updatedAt: sql`now()` },
          setWhere: and(eq(t.orgId, orgId), lte(t.stripeStateAt, stateAt)),
        })
        .returning(),
    () =>
      db
        .select()
        .from(t)
        .where(and(eq(t.id, p.id), eq(t.orgId, orgId))),
  );
}

export function upsertSubscription(
  db: Executor,
  orgId: string,
  s: Stripe.Subscription,
  stateAt: Date,
): Promise<Mirrored<BillingSubscription>> {
  const values = { ...subscriptionValues(s), stripeStateAt: stateAt };
  const t = billingSubscriptions;
  return mirrorWrite(
    () =>
      db
        .insert(t)
        .values({ id: s.id, orgId, ...values })
        .onConflictDoUpdate({
          target: t.id,
          set: { ...values, updatedAt: sql`now()` },
          setWhere: and(eq(t.orgId, orgId), lte(t.stripeStateAt, stateAt)),
        })
        .returning(),
    () =>
      db
        .select()
        .from(t)
        .where(and(eq(t.id, s.id), eq(t.orgId, orgId))),
  );
}

export function upsertInvoice(
  db: Executor,
  orgId: string,
  i: Stripe.Invoice,
  stateAt: Date,
  lines?: Stripe.InvoiceLineItem[],
): Promise<Mirrored<BillingInvoice>> {
  const values = { ...invoiceValues(i, lines), stripeStateAt: stateAt };
  const t = billingInvoices;
  return mirrorWrite(
    () =>
      db
        .insert(t)
        .values({ id: i.id, orgId, ...values })
        .onConflictDoUpdate({
          target: t.id,
          set: { ...values, updatedAt: sql`now()` },
          setWhere: and(eq(t.orgId, orgId), lte(t.stripeStateAt, stateAt)),
        })
        .returning(),
    () =>
      db
        .select()
        .from(t)
        .where(and(eq(t.id, i.id), eq(t.orgId, orgId))),
  );
}

export function upsertCoupon(
  db: Executor,
  orgId: string,
  c: Stripe.Coupon,
  stateAt: Date,
): Promise<Mirrored<BillingCoupon>> {
  const values = { ...couponValues(c), stripeStateAt: stateAt };
  const t = billingCoupons;
  return mirrorWrite(
    () =>
      db
        .insert(t)
        .values({ id: c.id, orgId, ...values })
        .onConflictDoUpdate({
          target: t.id,
          set: { ...values, updatedAt: sql`now()` },
          setWhere: and(eq(t.orgId, orgId), lte(t.stripeStateAt, stateAt)),
        })
        .returning(),
    () =>
      db
        .select()
        .from(t)
        .where(and(eq(t.id, c.id), eq(t.orgId, orgId))),
  );
}

/** The fields of any Stripe object that say which organisation it belongs to. */
const ownership = z.object({
  id: z.string().optional(),
  object: z.string().optional(),
  metadata: z.record(z.string(), z.string()).nullish(),
  customer: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
  payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
  subscription: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
  parent: z
    .object({
      subscription_details: z
        .object({
          metadata: z.record(z.string(), z.string()).nullish(),
          subscription: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

async function orgExists(db: Executor, id: string | undefined): Promise<string | null> {
  if (!id || !z.uuid().safeParse(id).success) return null;
  const [org] = await db.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, id));
  return org?.id ?? null;
}

type OwnedTable =
  | typeof billingCustomers
  | typeof billingSubscriptions
  | typeof billingPaymentIntents
  | typeof billingInvoices
  | typeof billingCoupons;

/** An object already mirrored stays with its organisation. */
const ownTable: Record<string, OwnedTable> = {
  customer: billingCustomers,
  subscription: billingSubscriptions,
  payment_intent: billingPaymentIntents,
  invoice: billingInvoices,
  coupon: billingCoupons,
};

async function orgOfRow(db: Executor, table: OwnedTable, id: string | null): Promise<string | null> {
  if (!id) return null;
  const [row] = await db.select({ orgId: table.orgId }).from(table).where(eq(table.id, id));
  return row?.orgId ?? null;
}

/**
 * The organisation a Stripe object belongs to: `metadata.org_id` (set on
 * everything we create), else the organisation of its customer, subscription
 * or payment intent already mirrored here; null for objects that are not ours.
 */
export async function organisationOf(db: Executor, object: unknown): Promise<string | null> {
  const parsed = ownership.safeParse(object);
  if (!parsed.success) return null;
  const o = parsed.data;
  const subscriptionDetails = o.parent?.subscription_details;
  const own = o.id && o.object ? ownTable[o.object] : undefined;
  return (
    (own ? await orgOfRow(db, own, o.id ?? null) : null) ??
    (await orgExists(db, o.metadata?.org_id)) ??
    (await orgExists(db, subscriptionDetails?.metadata?.org_id)) ??
    (await orgOfRow(db, billingCustomers, idOf(o.customer))) ??
    (await orgOfRow(db, billingSubscriptions, idOf(subscriptionDetails?.subscription ?? o.subscription))) ??
    (await orgOfRow(db, billingPaymentIntents, idOf(o.payment_intent)))
  );
}
