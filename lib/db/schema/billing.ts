import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { timestamps } from "./_columns";
import { organisations } from "./organisations";

// Local mirrors of Stripe objects. Each row is keyed by Stripe's own id (one
// Stripe account serves every organisation, so the id is unique) and scoped by
// org_id. Rows reference each other by Stripe id without foreign keys: webhooks
// arrive in any order, so an invoice may be mirrored before its customer.

const ts = () => timestamp({ withTimezone: true, precision: 3 });
const money = () => bigint({ mode: "number" });

const org = () =>
  uuid()
    .notNull()
    .references(() => organisations.id, { onDelete: "cascade" });

/** When Stripe created the object, and the Stripe time of the state the row holds. */
const stripeTimes = {
  stripeCreatedAt: ts().notNull(),
  /**
   * Whole seconds on Stripe's clock: the event's `created`, or the Date of the
   * API answer the row was written from. An event older than this is stale.
   */
  stripeStateAt: ts().notNull(),
};

export interface BillingAddress {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  state?: string | null;
  postal_code?: string | null;
  country?: string | null;
}

export const billingCustomers = pgTable(
  "billing_customers",
  {
    /** Stripe's id (cus_…). */
    id: text().primaryKey(),
    orgId: org(),
    email: text(),
    name: text(),
    phone: text(),
    description: text(),
    address: jsonb().$type<BillingAddress>(),
    defaultPaymentMethod: text(),
    /**
     * Coupon applied through our API (kept in Stripe as metadata.coupon_id, the
     * current API having no customer-level coupon): new subscriptions get it too.
     */
    couponId: text(),
    balance: money().notNull().default(0),
    currency: text(),
    delinquent: boolean().notNull().default(false),
    deleted: boolean().notNull().default(false),
    metadata: jsonb().$type<Record<string, string>>().notNull().default({}),
    livemode: boolean().notNull().default(false),
    ...stripeTimes,
    ...timestamps,
  },
  (t) => [
    index("billing_customers_org_created_idx").on(t.orgId, t.stripeCreatedAt, t.id),
    index("billing_customers_org_email_idx").on(t.orgId, t.email),
  ],
);

export const billingPaymentIntents = pgTable(
  "billing_payment_intents",
  {
    /** Stripe's id (pi_…). */
    id: text().primaryKey(),
    orgId: org(),
    customerId: text(),
    /** In the currency's smallest unit, as Stripe counts it. */
    amount: money().notNull(),
    currency: text().notNull(),
    status: text().notNull(),
    description: text(),
    amountReceived: money().notNull().default(0),
    amountRefunded: money().notNull().default(0),
    latestChargeId: text(),
    lastError: text(),
    metadata: jsonb().$type<Record<string, string>>().notNull().default({}),
    livemode: boolean().notNull().default(false),
    ...stripeTimes,
    ...timestamps,
  },
  (t) => [
    index("billing_payment_intents_org_created_idx").on(t.orgId, t.stripeCreatedAt, t.id),
    index("billing_payment_intents_org_customer_idx").on(t.orgId, t.customerId),
  ],
);

export interface SubscriptionItemSnapshot {
  id: string;
  price_id: string;
  product_id: string | null;
  quantity: number;
  unit_amount: number | null;
  currency: string;
  interval: string | null;
  interval_count: number | null;
  current_period_start: number | null;
  current_period_end: number | null;
}

export const billingSubscriptions = pgTable(
  "billing_subscriptions",
  {
    /** Stripe's id (sub_…). */
    id: text().primaryKey(),
    orgId: org(),
    customerId: text().notNull(),
    status: text().notNull(),
    items: jsonb().$type<SubscriptionItemSnapshot[]>().notNull().default([]),
    /** The first item's price and quantity, for lists and filters. */
    priceId: text(),
    quantity: integer(),
    currency: text(),
    cancelAtPeriodEnd: boolean().notNull().default(false),
    cancelAt: ts(),
    canceledAt: ts(),
    endedAt: ts(),
    currentPeriodStart: ts(),
    currentPeriodEnd: ts(),
    trialEnd: ts(),
    latestInvoiceId: text(),
    couponIds: jsonb().$type<string[]>().notNull().default([]),
    metadata: jsonb().$type<Record<string, string>>().notNull().default({}),
    livemode: boolean().notNull().default(false),
    ...stripeTimes,
    ...timestamps,
  },
  (t) => [
    index("billing_subscriptions_org_created_idx").on(t.orgId, t.stripeCreatedAt, t.id),
    index("billing_subscriptions_org_customer_idx").on(t.orgId, t.customerId),
  ],
);

export interface InvoiceLineSnapshot {
  id: string;
  description: string | null;
  quantity: number | null;
  /** Before discounts and tax. */
  amount: number;
  currency: string;
  period_start: number | null;
  period_end: number | null;
  price_id: string | null;
}

export interface InvoiceAmountSnapshot {
  label: string;
  amount: number;
  /** For discounts: the coupon, when Stripe named it. */
  coupon_id?: string | null;
}

export const billingInvoices = pgTable(
  "billing_invoices",
  {
    /** Stripe's id (in_…). */
    id: text().primaryKey(),
    orgId: org(),
    customerId: text(),
    subscriptionId: text(),
    number: text(),
    status: text(),
    currency: text().notNull(),
    subtotal: money().notNull().default(0),
    totalDiscount: money().notNull().default(0),
    totalTax: money().notNull().default(0),
    total: money().notNull().default(0),
    amountDue: money().notNull().default(0),
    amountPaid: money().notNull().default(0),
    amountRemaining: money().notNull().default(0),
    lines: jsonb().$type<InvoiceLineSnapshot[]>().notNull().default([]),
    discounts: jsonb().$type<InvoiceAmountSnapshot[]>().notNull().default([]),
    taxes: jsonb().$type<InvoiceAmountSnapshot[]>().notNull().default([]),
    customerName: text(),
    customerEmail: text(),
    customerAddress: jsonb().$type<BillingAddress>(),
    description: text(),
    hostedInvoiceUrl: text(),
    invoicePdf: text(),
    periodStart: ts(),
    periodEnd: ts(),
    dueDate: ts(),
    finalizedAt: ts(),
    paidAt: ts(),
    metadata: jsonb().$type<Record<string, string>>().notNull().default({}),
    livemode: boolean().notNull().default(false),
    ...stripeTimes,
    ...timestamps,
  },
  (t) => [
    index("billing_invoices_org_created_idx").on(t.orgId, t.stripeCreatedAt, t.id),
    index("billing_invoices_org_customer_idx").on(t.orgId, t.customerId),
    index("billing_invoices_org_subscription_idx").on(t.orgId, t.subscriptionId),
  ],
);

export const billingCoupons = pgTable(
  "billing_coupons",
  {
    /** Stripe's id. */
    id: text().primaryKey(),
    orgId: org(),
    name: text(),
    percentOff: numeric({ precision: 5, scale: 2, mode: "number" }),
    amountOff: money(),
    currency: text(),
    /** once, repeating or forever. */
    duration: text().notNull(),
    durationInMonths: integer(),
    maxRedemptions: integer(),
    timesRedeemed: integer().notNull().default(0),
    redeemBy: ts(),
    valid: boolean().notNull().default(true),
    metadata: jsonb().$type<Record<string, string>>().notNull().default({}),
    livemode: boolean().notNull().default(false),
    ...stripeTimes,
    ...timestamps,
  },
  (t) => [index("billing_coupons_org_created_idx").on(t.orgId, t.stripeCreatedAt, t.id)],
);

/** What our own invoice PDF prints as the issuer: one row per organisation. */
export const billingProfiles = pgTable("billing_profiles", {
  orgId: uuid()
    .primaryKey()
    .references(() => organisations.id, { onDelete: "cascade" }),
  legalName: text(),
  email: text(),
  address: jsonb().$type<BillingAddress>(),
  taxId: text(),
  footer: text(),
  ...timestamps,
});

export type BillingCustomer = typeof billingCustomers.$inferSelect;
export type BillingPaymentIntent = typeof billingPaymentIntents.$inferSelect;
export type BillingSubscription = typeof billingSubscriptions.$inferSelect;
export type BillingInvoice = typeof billingInvoices.$inferSelect;
export type BillingCoupon = typeof billingCoupons.$inferSelect;
export type BillingProfile = typeof billingProfiles.$inferSelect;
