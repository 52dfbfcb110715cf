import { z } from "zod";
import type {
  BillingCoupon,
  BillingCustomer,
  BillingInvoice,
  BillingPaymentIntent,
  BillingProfile,
  BillingSubscription,
} from "@/lib/db/schema";
import { isoDate, listQuery, listResponse } from "./common";

// Public ids are Stripe's own (cus_…, pi_…, sub_…, in_…): the mirror is keyed by them.
const stripeId = (prefix: string, what: string) =>
  z
    .string()
    .trim()
    .regex(new RegExp(`^${prefix}_[A-Za-z0-9]+$`), `must be a Stripe ${what} id (${prefix}_…)`);

export const customerId = stripeId("cus", "customer");
export const subscriptionId = stripeId("sub", "subscription");
export const invoiceId = stripeId("in", "invoice");
export const priceId = stripeId("price", "price");
export const couponId = z
  .string()
  .trim()
  .min(1, "is required")
  .max(255)
  .regex(/^[A-Za-z0-9_-]+$/, "must be a Stripe coupon id");

export const customerParams = z.object({ id: customerId });
export const subscriptionParams = z.object({ id: subscriptionId });
export const invoiceParams = z.object({ id: invoiceId });

const currency = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{3}$/, "must be a 3-letter ISO 4217 code")
  .transform((c) => c.toLowerCase());

const metadata = z
  .record(
    z.string().min(1).max(40, "keys must be at most 40 characters"),
    z.string().max(500, "values must be at most 500 characters"),
  )
  .refine((m) => Object.keys(m).length <= 20, "must have at most 20 keys")
  .optional();

const optionalText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.string().trim().max(max, `must be at most ${max} characters`).optional(),
  );

export const addressSchema = z.object({
  line1: optionalText(200),
  line2: optionalText(200),
  city: optionalText(100),
  state: optionalText(100),
  postal_code: optionalText(20),
  country: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2}$/, "must be a 2-letter ISO 3166 country code")
      .transform((c) => c.toUpperCase())
      .optional(),
  ),
});

export const customerCreate = z
  .object({
    email: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.email({ message: "must be an email address" }).optional(),
    ),
    name: optionalText(256),
    phone: optionalText(40),
    description: optionalText(500),
    address: addressSchema.optional(),
    payment_method: z
      .string()
      .trim()
      .regex(/^pm_[A-Za-z0-9_]+$/, "must be a Stripe payment method id (pm_…)")
      .optional()
      .describe("Attached and made the default for invoices, e.g. pm_card_visa in test mode"),
    metadata,
  })
  .superRefine((c, ctx) => {
    if (!c.email && !c.name)
      ctx.addIssue({ code: "custom", path: ["email"], message: "an email or a name is required" });
  })
  .meta({ id: "BillingCustomerCreate" });
export type CustomerCreate = z.infer<typeof customerCreate>;

export const customerQuery = listQuery.extend({
  search: z.string().trim().max(200).optional().describe("Part of the name or email"),
});
export type CustomerQuery = z.infer<typeof customerQuery>;

export const paymentIntentCreate = z
  .object({
    amount: z
      .number({ message: "must be a whole number" })
      .int("must be a whole number in the currency's smallest unit (e.g. cents)")
      .min(1, "must be at least 1")
      .max(99_999_999, "must be at most 99,999,999"),
    currency,
    customer_id: customerId.optional(),
    description: optionalText(1000),
    metadata,
  })
  .meta({ id: "PaymentIntentCreate" });
export type PaymentIntentCreate = z.infer<typeof paymentIntentCreate>;

export const paymentIntentQuery = listQuery.extend({
  customer_id: customerId.optional(),
  status: z.string().min(1).optional(),
});
export type PaymentIntentQuery = z.infer<typeof paymentIntentQuery>;

export const subscriptionCreate = z
  .object({
    customer_id: customerId,
    price_id: priceId,
    quantity: z.number().int("must be a whole number").min(1).max(10_000).default(1),
    trial_period_days: z.number().int("must be a whole number").min(1).max(730).optional(),
    coupon_id: couponId.optional().describe("Defaults to the coupon applied to the customer, if any"),
    metadata,
  })
  .meta({ id: "SubscriptionCreate" });
export type SubscriptionCreate = z.infer<typeof subscriptionCreate>;

export const subscriptionCancel = z
  .object({
    at_period_end: z
      .boolean({ message: "must be true or false" })
      .default(false)
      .describe("true: keep it until the period ends; false: cancel now"),
  })
  .meta({ id: "SubscriptionCancel" });
export type SubscriptionCancel = z.infer<typeof subscriptionCancel>;

export const subscriptionQuery = listQuery.extend({
  customer_id: customerId.optional(),
  status: z.string().min(1).optional(),
});
export type SubscriptionQuery = z.infer<typeof subscriptionQuery>;

export const invoiceQuery = listQuery.extend({
  customer_id: customerId.optional(),
  subscription_id: subscriptionId.optional(),
  status: z.enum(["draft", "open", "paid", "uncollectible", "void"]).optional(),
});
export type InvoiceQuery = z.infer<typeof invoiceQuery>;

export const couponCreate = z
  .object({
    name: optionalText(40),
    percent_off: z.number().gt(0, "must be more than 0").max(100, "must be at most 100").optional(),
    amount_off: z
      .number()
      .int("must be a whole number in the currency's smallest unit")
      .min(1, "must be at least 1")
      .optional(),
    currency: currency.optional(),
    duration: z.enum(["once", "repeating", "forever"], { message: "must be once, repeating or forever" }),
    duration_in_months: z.number().int().min(1).max(120).optional(),
    max_redemptions: z.number().int().min(1).optional(),
    redeem_by: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" }).optional(),
    metadata,
  })
  .superRefine((c, ctx) => {
    const both = c.percent_off !== undefined && c.amount_off !== undefined;
    const neither = c.percent_off === undefined && c.amount_off === undefined;
    if (both || neither) {
      ctx.addIssue({
        code: "custom",
        path: ["percent_off"],
        message: "give either percent_off or amount_off",
      });
    }
    if (c.amount_off !== undefined && !c.currency) {
      ctx.addIssue({ code: "custom", path: ["currency"], message: "is required with amount_off" });
    }
    if (c.duration === "repeating" && c.duration_in_months === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["duration_in_months"],
        message: "is required when duration is repeating",
      });
    }
    if (c.duration !== "repeating" && c.duration_in_months !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["duration_in_months"],
        message: "only applies to a repeating coupon",
      });
    }
    if (c.redeem_by && Date.parse(c.redeem_by) <= Date.now()) {
      ctx.addIssue({ code: "custom", path: ["redeem_by"], message: "must be in the future" });
    }
  })
  .meta({ id: "CouponCreate" });
export type CouponCreate = z.infer<typeof couponCreate>;

export const applyCoupon = z
  .object({
    coupon_id: couponId,
    subscription_id: subscriptionId
      .optional()
      .describe("Only this subscription; by default every live subscription of the customer"),
  })
  .meta({ id: "ApplyCoupon" });
export type ApplyCoupon = z.infer<typeof applyCoupon>;

export const usageQuery = z.object({
  customer_id: customerId.optional(),
  subscription_id: subscriptionId.optional(),
  since: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" }).optional(),
  until: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" }).optional(),
});
export type UsageQuery = z.infer<typeof usageQuery>;

export const profileUpdate = z
  .object({
    legal_name: optionalText(200),
    email: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.email({ message: "must be an email address" }).optional(),
    ),
    address: addressSchema.optional(),
    tax_id: optionalText(64),
    footer: optionalText(500),
  })
  .meta({ id: "BillingProfileUpdate" });
export type ProfileUpdate = z.infer<typeof profileUpdate>;

// ---- answers ----

const address = z
  .object({
    line1: z.string().nullish(),
    line2: z.string().nullish(),
    city: z.string().nullish(),
    state: z.string().nullish(),
    postal_code: z.string().nullish(),
    country: z.string().nullish(),
  })
  .nullable();

export const customerJson = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    description: z.string().nullable(),
    address,
    default_payment_method: z.string().nullable(),
    coupon_id: z.string().nullable(),
    balance: z.number(),
    currency: z.string().nullable(),
    delinquent: z.boolean(),
    metadata: z.record(z.string(), z.string()),
    livemode: z.boolean(),
    created_at: z.string().describe("When Stripe created it"),
    updated_at: z.string().describe("When this mirror last changed"),
  })
  .meta({ id: "BillingCustomer" });

export const paymentIntentJson = z
  .object({
    id: z.string(),
    customer_id: z.string().nullable(),
    amount: z.number().describe("In the currency's smallest unit"),
    currency: z.string(),
    status: z.string(),
    description: z.string().nullable(),
    amount_received: z.number(),
    amount_refunded: z.number(),
    last_payment_error: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "PaymentIntent" });

export const paymentIntentCreated = paymentIntentJson
  .extend({
    client_secret: z.string().nullable().describe("For Stripe.js to confirm the payment; shown only here"),
  })
  .meta({ id: "PaymentIntentCreated" });

export const subscriptionJson = z
  .object({
    id: z.string(),
    customer_id: z.string(),
    status: z.string(),
    price_id: z.string().nullable(),
    quantity: z.number().nullable(),
    currency: z.string().nullable(),
    items: z.array(
      z.object({
        id: z.string(),
        price_id: z.string(),
        product_id: z.string().nullable(),
        quantity: z.number(),
        unit_amount: z.number().nullable(),
        currency: z.string(),
        interval: z.string().nullable(),
        interval_count: z.number().nullable(),
      }),
    ),
    cancel_at_period_end: z.boolean(),
    cancel_at: z.string().nullable(),
    canceled_at: z.string().nullable(),
    ended_at: z.string().nullable(),
    current_period_start: z.string().nullable(),
    current_period_end: z.string().nullable(),
    trial_end: z.string().nullable(),
    latest_invoice_id: z.string().nullable(),
    coupon_ids: z.array(z.string()),
    metadata: z.record(z.string(), z.string()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "Subscription" });

export const invoiceJson = z
  .object({
    id: z.string(),
    number: z.string().nullable(),
    customer_id: z.string().nullable(),
    subscription_id: z.string().nullable(),
    status: z.string().nullable(),
    currency: z.string(),
    subtotal: z.number(),
    total_discount: z.number(),
    total_tax: z.number(),
    total: z.number(),
    amount_due: z.number(),
    amount_paid: z.number(),
    amount_remaining: z.number(),
    customer_name: z.string().nullable(),
    customer_email: z.string().nullable(),
    hosted_invoice_url: z.string().nullable().describe("Stripe's hosted invoice page"),
    invoice_pdf: z.string().nullable().describe("Stripe's hosted PDF"),
    pdf_url: z.string().describe("Our own PDF: GET /api/v1/payments/invoices/{id}/pdf"),
    period_start: z.string().nullable(),
    period_end: z.string().nullable(),
    due_date: z.string().nullable(),
    paid_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "Invoice" });

const amountLine = z.object({ label: z.string(), amount: z.number(), coupon_id: z.string().nullish() });

export const invoiceDetailJson = invoiceJson
  .extend({
    description: z.string().nullable(),
    customer_address: address,
    finalized_at: z.string().nullable(),
    lines: z.array(
      z.object({
        id: z.string(),
        description: z.string().nullable(),
        quantity: z.number().nullable(),
        amount: z.number(),
        currency: z.string(),
        period_start: z.string().nullable(),
        period_end: z.string().nullable(),
        price_id: z.string().nullable(),
      }),
    ),
    discounts: z.array(amountLine),
    taxes: z.array(amountLine),
  })
  .meta({ id: "InvoiceDetail" });

export const couponJson = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    percent_off: z.number().nullable(),
    amount_off: z.number().nullable(),
    currency: z.string().nullable(),
    duration: z.string(),
    duration_in_months: z.number().nullable(),
    max_redemptions: z.number().nullable(),
    times_redeemed: z.number(),
    redeem_by: z.string().nullable(),
    valid: z.boolean(),
    created_at: z.string(),
  })
  .meta({ id: "Coupon" });

export const paymentMethodJson = z.object({
  id: z.string(),
  type: z.string(),
  brand: z.string().nullable(),
  last4: z.string().nullable(),
  exp_month: z.number().nullable(),
  exp_year: z.number().nullable(),
  is_default: z.boolean(),
});

export const customerDetailJson = customerJson
  .extend({
    payment_methods: z
      .array(paymentMethodJson)
      .nullable()
      .describe("Live from Stripe; null if it could not answer"),
    payment_methods_error: z.string().nullable(),
    subscriptions: z.array(subscriptionJson),
    invoices: z.array(invoiceJson),
    payment_intents: z.array(paymentIntentJson),
  })
  .meta({ id: "BillingCustomerDetail" });

export const applyCouponResult = z
  .object({ customer: customerJson, subscriptions: z.array(subscriptionJson) })
  .meta({ id: "ApplyCouponResult" });

const amountsByCurrency = z.object({
  currency: z.string(),
  invoiced: z.number(),
  paid: z.number(),
  outstanding: z.number(),
});

export const usageJson = z
  .object({
    since: z.string().nullable(),
    until: z.string().nullable(),
    data: z.array(
      z.object({
        customer_id: z.string(),
        name: z.string().nullable(),
        email: z.string().nullable(),
        invoice_count: z.number(),
        payment_count: z.number(),
        amounts: z.array(
          amountsByCurrency.extend({ payments_received: z.number(), payments_refunded: z.number() }),
        ),
        subscriptions: z.array(
          z.object({
            subscription_id: z.string(),
            status: z.string(),
            price_id: z.string().nullable(),
            quantity: z.number().nullable(),
            current_period_end: z.string().nullable(),
            invoice_count: z.number(),
            amounts: z.array(amountsByCurrency),
          }),
        ),
      }),
    ),
  })
  .meta({ id: "BillingUsage" });

export const profileJson = z
  .object({
    legal_name: z.string().nullable(),
    email: z.string().nullable(),
    address,
    tax_id: z.string().nullable(),
    footer: z.string().nullable(),
    updated_at: z.string().nullable(),
  })
  .meta({ id: "BillingProfile" });

export const customerList = listResponse(customerJson);
export const paymentIntentList = listResponse(paymentIntentJson);
export const subscriptionList = listResponse(subscriptionJson);
export const invoiceList = listResponse(invoiceJson);
export const couponList = listResponse(couponJson);

export type CustomerJson = z.infer<typeof customerJson>;
export type CustomerDetailJson = z.infer<typeof customerDetailJson>;
export type PaymentIntentJson = z.infer<typeof paymentIntentJson>;
export type SubscriptionJson = z.infer<typeof subscriptionJson>;
export type InvoiceJson = z.infer<typeof invoiceJson>;
export type InvoiceDetailJson = z.infer<typeof invoiceDetailJson>;
export type CouponJson = z.infer<typeof couponJson>;
export type UsageJson = z.infer<typeof usageJson>;
export type ProfileJson = z.infer<typeof profileJson>;
export type PaymentMethodJson = z.infer<typeof paymentMethodJson>;

const iso = (d: Date) => d.toISOString();
const unix = (s: number | null | undefined) => (s ? new Date(s * 1000).toISOString() : null);

export function toCustomerJson(c: BillingCustomer): CustomerJson {
  return {
    id: c.id,
    email: c.email,
    name: c.name,
    phone: c.phone,
    description: c.description,
    address: c.address ?? null,
    default_payment_method: c.defaultPaymentMethod,
    coupon_id: c.couponId,
    balance: c.balance,
    currency: c.currency,
    delinquent: c.delinquent,
    metadata: c.metadata,
    livemode: c.livemode,
    created_at: iso(c.stripeCreatedAt),
    updated_at: iso(c.updatedAt),
  };
}

export function toPaymentIntentJson(p: BillingPaymentIntent): PaymentIntentJson {
  return {
    id: p.id,
    customer_id: p.customerId,
    amount: p.amount,
    currency: p.currency,
    status: p.status,
    description: p.description,
    amount_received: p.amountReceived,
    amount_refunded: p.amountRefunded,
    last_payment_error: p.lastError,
    metadata: p.metadata,
    created_at: iso(p.stripeCreatedAt),
    updated_at: iso(p.updatedAt),
  };
}

export function toSubscriptionJson(s: BillingSubscription): SubscriptionJson {
  return {
    id: s.id,
    customer_id: s.customerId,
    status: s.status,
    price_id: s.priceId,
    quantity: s.quantity,
    currency: s.currency,
    items: s.items.map((i) => ({
      id: i.id,
      price_id: i.price_id,
      product_id: i.product_id,
      quantity: i.quantity,
      unit_amount: i.unit_amount,
      currency: i.currency,
      interval: i.interval,
      interval_count: i.interval_count,
    })),
    cancel_at_period_end: s.cancelAtPeriodEnd,
    cancel_at: isoDate(s.cancelAt),
    canceled_at: isoDate(s.canceledAt),
    ended_at: isoDate(s.endedAt),
    current_period_start: isoDate(s.currentPeriodStart),
    current_period_end: isoDate(s.currentPeriodEnd),
    trial_end: isoDate(s.trialEnd),
    latest_invoice_id: s.latestInvoiceId,
    coupon_ids: s.couponIds,
    metadata: s.metadata,
    created_at: iso(s.stripeCreatedAt),
    updated_at: iso(s.updatedAt),
  };
}

export function toInvoiceJson(i: BillingInvoice): InvoiceJson {
  return {
    id: i.id,
    number: i.number,
    customer_id: i.customerId,
    subscription_id: i.subscriptionId,
    status: i.status,
    currency: i.currency,
    subtotal: i.subtotal,
    total_discount: i.totalDiscount,
    total_tax: i.totalTax,
    total: i.total,
    amount_due: i.amountDue,
    amount_paid: i.amountPaid,
    amount_remaining: i.amountRemaining,
    customer_name: i.customerName,
    customer_email: i.customerEmail,
    hosted_invoice_url: i.hostedInvoiceUrl,
    invoice_pdf: i.invoicePdf,
    pdf_url: `/api/v1/payments/invoices/${i.id}/pdf`,
    period_start: isoDate(i.periodStart),
    period_end: isoDate(i.periodEnd),
    due_date: isoDate(i.dueDate),
    paid_at: isoDate(i.paidAt),
    created_at: iso(i.stripeCreatedAt),
    updated_at: iso(i.updatedAt),
  };
}

export function toInvoiceDetailJson(i: BillingInvoice): InvoiceDetailJson {
  return {
    ...toInvoiceJson(i),
    description: i.description,
    customer_address: i.customerAddress ?? null,
    finalized_at: isoDate(i.finalizedAt),
    lines: i.lines.map((l) => ({
      id: l.id,
      description: l.description,
      quantity: l.quantity,
      amount: l.amount,
      currency: l.currency,
      period_start: unix(l.period_start),
      period_end: unix(l.period_end),
      price_id: l.price_id,
    })),
    discounts: i.discounts,
    taxes: i.taxes,
  };
}

export function toCouponJson(c: BillingCoupon): CouponJson {
  return {
    id: c.id,
    name: c.name,
    percent_off: c.percentOff,
    amount_off: c.amountOff,
    currency: c.currency,
    duration: c.duration,
    duration_in_months: c.durationInMonths,
    max_redemptions: c.maxRedemptions,
    times_redeemed: c.timesRedeemed,
    redeem_by: isoDate(c.redeemBy),
    valid: c.valid,
    created_at: iso(c.stripeCreatedAt),
  };
}

export function toProfileJson(p: BillingProfile | null): ProfileJson {
  return {
    legal_name: p?.legalName ?? null,
    email: p?.email ?? null,
    address: p?.address ?? null,
    tax_id: p?.taxId ?? null,
    footer: p?.footer ?? null,
    updated_at: p ? iso(p.updatedAt) : null,
  };
}
