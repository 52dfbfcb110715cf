import { and, eq, isNull, sql } from "drizzle-orm";
import Stripe from "stripe";
import { config } from "@/lib/config";
import { type Executor, getDb, type Tx } from "@/lib/db";
import {
  billingCoupons,
  billingCustomers,
  billingInvoices,
  billingPaymentIntents,
  billingSubscriptions,
  webhookEvents,
} from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/logger";
import { invoiceLines } from "./invoices";
import {
  organisationOf,
  upsertCoupon,
  upsertCustomer,
  upsertInvoice,
  upsertPaymentIntent,
  upsertSubscription,
} from "./mirror";
import { billingNotConfigured, billingStatus, callStripe, stripe, stripeTimeOf } from "./stripe";

/** Stripe's default and ours: a signature older than this is a replay. */
export const SIGNATURE_TOLERANCE_S = 300;

/**
 * Verifies a Stripe-Signature header over the raw body with the stripe SDK;
 * answers the event, or 401 (nothing is stored for an unverified request).
 */
export function verifyStripeEvent(
  rawBody: string,
  signature: string | null,
  secret: string,
  receivedAtMs?: number,
): Stripe.Event {
  if (!signature) throw new AppError("invalid_signature", "Missing Stripe-Signature header", undefined, 401);
  try {
    return Stripe.webhooks.constructEvent(
      rawBody,
      signature,
      secret,
      SIGNATURE_TOLERANCE_S,
      undefined,
      receivedAtMs,
    );
  } catch {
    throw new AppError(
      "invalid_signature",
      `Stripe-Signature does not match the body, or is older than ${SIGNATURE_TOLERANCE_S} s`,
      undefined,
      401,
    );
  }
}

type Kind = "customer" | "payment_intent" | "subscription" | "invoice" | "coupon";

const tables = {
  customer: billingCustomers,
  payment_intent: billingPaymentIntents,
  subscription: billingSubscriptions,
  invoice: billingInvoices,
  coupon: billingCoupons,
} as const;

/** What an event will do to the mirror, worked out before the transaction (it may ask Stripe). */
type Plan =
  | { kind: "customer"; object: Stripe.Customer; at: Date }
  | { kind: "payment_intent"; object: Stripe.PaymentIntent; at: Date }
  | { kind: "subscription"; object: Stripe.Subscription; at: Date }
  | { kind: "invoice"; object: Stripe.Invoice; at: Date; lines: Stripe.InvoiceLineItem[] }
  | { kind: "coupon"; object: Stripe.Coupon; at: Date }
  | { kind: "customer_deleted"; id: string }
  | { kind: "invoice_deleted"; id: string }
  | { kind: "refund"; charge: Stripe.Charge }
  | { kind: "stale"; id: string }
  | { kind: "ignored" };

async function storedStateAt(db: Executor, kind: Kind, id: string): Promise<Date | null> {
  const t = tables[kind];
  const [row] = await db.select({ at: t.stripeStateAt }).from(t).where(eq(t.id, id));
  return row?.at ?? null;
}

async function retrieve(kind: Kind, id: string): Promise<Plan> {
  const client = stripe();
  switch (kind) {
    case "customer": {
      const o = await callStripe(() => client.customers.retrieve(id));
      return o.deleted ? { kind: "customer_deleted", id } : { kind, object: o, at: stripeTimeOf(o) };
    }
    case "payment_intent": {
      const o = await callStripe(() => client.paymentIntents.retrieve(id));
      return { kind, object: o, at: stripeTimeOf(o) };
    }
    case "subscription": {
      const o = await callStripe(() => client.subscriptions.retrieve(id, { expand: ["discounts"] }));
      return { kind, object: o, at: stripeTimeOf(o) };
    }
    case "invoice": {
      const o = await callStripe(() =>
        client.invoices.retrieve(id, { expand: ["total_discount_amounts.discount"] }),
      );
      return { kind, object: o, at: stripeTimeOf(o), lines: await invoiceLines(o) };
    }
    case "coupon": {
      const o = await callStripe(() => client.coupons.retrieve(id));
      return { kind, object: o, at: stripeTimeOf(o) };
    }
  }
}

/**
 * Settles an object's state from an event. Newer than what we hold: the
 * payload. Older: stale, nothing to do. In the same second: Stripe's clock
 * cannot order the two, so ask Stripe for its current state (when a key is set).
 */
async function settle(
  db: Executor,
  kind: Kind,
  id: string,
  created: number,
  fromPayload: (at: Date) => Plan | Promise<Plan>,
): Promise<Plan> {
  const eventAt = new Date(created * 1000);
  const stored = await storedStateAt(db, kind, id);
  if (stored && eventAt.getTime() < stored.getTime()) return { kind: "stale", id };
  if (stored && eventAt.getTime() === stored.getTime() && billingStatus().configured)
    return retrieve(kind, id);
  return fromPayload(eventAt);
}

/** An invoice's lines from a payload: all of them, asking Stripe when it embedded only the first page. */
function payloadLines(invoice: Stripe.Invoice): Promise<Stripe.InvoiceLineItem[]> | Stripe.InvoiceLineItem[] {
  return billingStatus().configured ? invoiceLines(invoice) : invoice.lines.data;
}

async function plan(db: Executor, event: Stripe.Event): Promise<Plan> {
  switch (event.type) {
    case "customer.created":
    case "customer.updated": {
      const object = event.data.object;
      return settle(db, "customer", object.id, event.created, (at) => ({ kind: "customer", object, at }));
    }
    case "customer.deleted":
      return { kind: "customer_deleted", id: event.data.object.id };
    case "payment_intent.created":
    case "payment_intent.succeeded":
    case "payment_intent.payment_failed":
    case "payment_intent.canceled":
    case "payment_intent.processing":
    case "payment_intent.requires_action":
    case "payment_intent.amount_capturable_updated":
    case "payment_intent.partially_funded": {
      const object = event.data.object;
      return settle(db, "payment_intent", object.id, event.created, (at) => ({
        kind: "payment_intent",
        object,
        at,
      }));
    }
    case "charge.refunded":
      return { kind: "refund", charge: event.data.object };
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
    case "customer.subscription.paused":
    case "customer.subscription.resumed":
    case "customer.subscription.pending_update_applied":
    case "customer.subscription.pending_update_expired":
    case "customer.subscription.trial_will_end": {
      const object = event.data.object;
      return settle(db, "subscription", object.id, event.created, (at) => ({
        kind: "subscription",
        object,
        at,
      }));
    }
    case "invoice.created":
    case "invoice.finalized":
    case "invoice.paid":
    case "invoice.payment_failed":
    case "invoice.payment_succeeded":
    case "invoice.payment_action_required":
    case "invoice.updated":
    case "invoice.voided":
    case "invoice.marked_uncollectible":
    case "invoice.overdue":
    case "invoice.sent": {
      const object = event.data.object;
      return settle(db, "invoice", object.id, event.created, async (at) => ({
        kind: "invoice",
        object,
        at,
        lines: await payloadLines(object),
      }));
    }
    case "invoice.deleted":
      return { kind: "invoice_deleted", id: event.data.object.id };
    case "coupon.created":
    case "coupon.updated": {
      const object = event.data.object;
      return settle(db, "coupon", object.id, event.created, (at) => ({ kind: "coupon", object, at }));
    }
    default:
      return { kind: "ignored" };
  }
}

async function apply(tx: Tx, orgId: string, p: Plan): Promise<string> {
  switch (p.kind) {
    case "customer":
      return (await upsertCustomer(tx, orgId, p.object, p.at)).applied ? "applied" : "stale";
    case "payment_intent":
      return (await upsertPaymentIntent(tx, orgId, p.object, p.at)).applied ? "applied" : "stale";
    case "subscription":
      return (await upsertSubscription(tx, orgId, p.object, p.at)).applied ? "applied" : "stale";
    case "invoice":
      return (await upsertInvoice(tx, orgId, p.object, p.at, p.lines)).applied ? "applied" : "stale";
    case "coupon":
      return (await upsertCoupon(tx, orgId, p.object, p.at)).applied ? "applied" : "stale";
    case "customer_deleted":
      await tx
        .update(billingCustomers)
        .set({ deleted: true })
        .where(and(eq(billingCustomers.id, p.id), eq(billingCustomers.orgId, orgId)));
      return "applied";
    case "invoice_deleted":
      await tx
        .delete(billingInvoices)
        .where(
          and(
            eq(billingInvoices.id, p.id),
            eq(billingInvoices.orgId, orgId),
            eq(billingInvoices.status, "draft"),
          ),
        );
      return "applied";
    case "refund": {
      // Refunded amounts only grow, so the largest one seen is the latest whatever the order.
      const intent =
        typeof p.charge.payment_intent === "string" ? p.charge.payment_intent : p.charge.payment_intent?.id;
      if (!intent) return "ignored";
      await tx
        .update(billingPaymentIntents)
        .set({
          amountRefunded: sql`greatest(${billingPaymentIntents.amountRefunded}, ${p.charge.amount_refunded})`,
        })
        .where(and(eq(billingPaymentIntents.id, intent), eq(billingPaymentIntents.orgId, orgId)));
      return "applied";
    }
    case "stale":
      return "stale";
    case "ignored":
      return "ignored";
  }
}

export interface WebhookOutcome {
  received: true;
  event_id: string;
  /** applied, stale (older than what is stored), ignored (a type we do not mirror), duplicate, not_ours. */
  outcome: string;
}

/** Stores a verified event once (webhook_events, source "stripe") and applies it in the same transaction. */
export async function applyStripeEvent(event: Stripe.Event): Promise<WebhookOutcome> {
  const db = await getDb();
  const done = (outcome: string): WebhookOutcome => ({ received: true, event_id: event.id, outcome });
  const orgId = await organisationOf(db, event.data.object);
  if (!orgId) return done("not_ours");
  const stored = () =>
    and(
      eq(webhookEvents.source, "stripe"),
      isNull(webhookEvents.providerId),
      eq(webhookEvents.eventId, event.id),
    );
  const [seen] = await db.select({ id: webhookEvents.id }).from(webhookEvents).where(stored());
  if (seen) return done("duplicate");
  const p = await plan(db, event);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookEvents)
      .values({
        orgId,
        providerId: null,
        source: "stripe",
        eventId: event.id,
        type: event.type,
        payload: event,
        processedAt: new Date(),
      })
      .onConflictDoNothing()
      .returning({ id: webhookEvents.id });
    // A concurrent delivery of the same event committed first.
    if (!row) return done("duplicate");
    return done(await apply(tx, orgId, p));
  });
}

/** The webhook route's verb: verify, store once, apply. */
export async function receiveStripeWebhook(
  rawBody: string,
  signature: string | null,
): Promise<WebhookOutcome> {
  const secret = config().stripe.webhookSecret;
  if (!secret) throw billingNotConfigured("webhooks");
  const event = verifyStripeEvent(rawBody, signature, secret);
  try {
    return await applyStripeEvent(event);
  } catch (e) {
    log.error("Stripe webhook could not be applied; Stripe will retry", {
      eventId: event.id,
      type: event.type,
      error: e,
    });
    throw e;
  }
}
