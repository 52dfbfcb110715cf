import { and, eq, gte, inArray, lt, notInArray, type SQL, sql } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import {
  billingCustomers,
  billingInvoices,
  billingPaymentIntents,
  billingSubscriptions,
} from "@/lib/db/schema";
import type { Ctx } from "@/lib/services/context";
import type { UsageJson, UsageQuery } from "@/lib/validation/billing";
import { getCustomerInOrg, getSubscriptionInOrg } from "./rows";
import { assertBillingConfigured } from "./stripe";

type CustomerUsage = UsageJson["data"][number];
type Amounts = CustomerUsage["amounts"][number];
type SubscriptionAmounts = CustomerUsage["subscriptions"][number]["amounts"][number];

const int = (column: SQL) => sql<number>`coalesce(${column}, 0)::bigint`.mapWith(Number);

/**
 * Billing usage per customer and per subscription over a period: invoices
 * (count, invoiced, paid, outstanding) and payments (received, refunded), by
 * currency, from the local mirror.
 */
export async function billingUsage({ ctx, input }: { ctx: Ctx; input: UsageQuery }): Promise<UsageJson> {
  requirePermission(ctx, "billing:read");
  assertBillingConfigured();
  const db = await getDb();
  const since = input.since ? new Date(input.since) : null;
  const until = input.until ? new Date(input.until) : null;
  let customerFilter = input.customer_id ?? null;
  if (customerFilter) await getCustomerInOrg(db, ctx, customerFilter);
  if (input.subscription_id) {
    const s = await getSubscriptionInOrg(db, ctx, input.subscription_id);
    customerFilter = s.customerId;
  }

  const inv = billingInvoices;
  const invoiceRows = await db
    .select({
      customerId: inv.customerId,
      subscriptionId: inv.subscriptionId,
      currency: inv.currency,
      count: sql<number>`count(*)::int`.mapWith(Number),
      invoiced: int(sql`sum(${inv.total})`),
      paid: int(sql`sum(${inv.amountPaid})`),
      outstanding: int(sql`sum(case when ${inv.status} = 'open' then ${inv.amountRemaining} else 0 end)`),
    })
    .from(inv)
    .where(
      and(
        eq(inv.orgId, ctx.orgId),
        notInArray(inv.status, ["draft", "void"]),
        customerFilter ? eq(inv.customerId, customerFilter) : undefined,
        input.subscription_id ? eq(inv.subscriptionId, input.subscription_id) : undefined,
        since ? gte(inv.stripeCreatedAt, since) : undefined,
        until ? lt(inv.stripeCreatedAt, until) : undefined,
      ),
    )
    .groupBy(inv.customerId, inv.subscriptionId, inv.currency);

  const pi = billingPaymentIntents;
  const paymentRows = input.subscription_id
    ? []
    : await db
        .select({
          customerId: pi.customerId,
          currency: pi.currency,
          count: sql<number>`count(*)::int`.mapWith(Number),
          received: int(sql`sum(${pi.amountReceived})`),
          refunded: int(sql`sum(${pi.amountRefunded})`),
        })
        .from(pi)
        .where(
          and(
            eq(pi.orgId, ctx.orgId),
            eq(pi.status, "succeeded"),
            customerFilter ? eq(pi.customerId, customerFilter) : undefined,
            since ? gte(pi.stripeCreatedAt, since) : undefined,
            until ? lt(pi.stripeCreatedAt, until) : undefined,
          ),
        )
        .groupBy(pi.customerId, pi.currency);

  const sub = billingSubscriptions;
  const subscriptions = await db
    .select()
    .from(sub)
    .where(
      and(
        eq(sub.orgId, ctx.orgId),
        customerFilter ? eq(sub.customerId, customerFilter) : undefined,
        input.subscription_id ? eq(sub.id, input.subscription_id) : undefined,
      ),
    );

  const customerIds = new Set<string>();
  for (const r of [...invoiceRows, ...paymentRows]) if (r.customerId) customerIds.add(r.customerId);
  for (const s of subscriptions) customerIds.add(s.customerId);
  if (customerFilter) customerIds.add(customerFilter);
  const customers = customerIds.size
    ? await db
        .select()
        .from(billingCustomers)
        .where(and(eq(billingCustomers.orgId, ctx.orgId), inArray(billingCustomers.id, [...customerIds])))
    : [];

  const out = new Map<string, CustomerUsage>();
  const entry = (id: string): CustomerUsage => {
    let e = out.get(id);
    if (!e) {
      const c = customers.find((x) => x.id === id);
      e = {
        customer_id: id,
        name: c?.name ?? null,
        email: c?.email ?? null,
        invoice_count: 0,
        payment_count: 0,
        amounts: [],
        subscriptions: [],
      };
      out.set(id, e);
    }
    return e;
  };
  const amountsOf = (e: CustomerUsage, currency: string): Amounts => {
    let a = e.amounts.find((x) => x.currency === currency);
    if (!a) {
      a = { currency, invoiced: 0, paid: 0, outstanding: 0, payments_received: 0, payments_refunded: 0 };
      e.amounts.push(a);
    }
    return a;
  };
  for (const id of [...customerIds].sort()) entry(id);
  for (const s of subscriptions) {
    entry(s.customerId).subscriptions.push({
      subscription_id: s.id,
      status: s.status,
      price_id: s.priceId,
      quantity: s.quantity,
      current_period_end: s.currentPeriodEnd?.toISOString() ?? null,
      invoice_count: 0,
      amounts: [],
    });
  }
  for (const r of invoiceRows) {
    if (!r.customerId) continue;
    const e = entry(r.customerId);
    e.invoice_count += r.count;
    const a = amountsOf(e, r.currency);
    a.invoiced += r.invoiced;
    a.paid += r.paid;
    a.outstanding += r.outstanding;
    const s = e.subscriptions.find((x) => x.subscription_id === r.subscriptionId);
    if (s) {
      s.invoice_count += r.count;
      const sa: SubscriptionAmounts = {
        currency: r.currency,
        invoiced: r.invoiced,
        paid: r.paid,
        outstanding: r.outstanding,
      };
      const existing = s.amounts.find((x) => x.currency === r.currency);
      if (existing) {
        existing.invoiced += sa.invoiced;
        existing.paid += sa.paid;
        existing.outstanding += sa.outstanding;
      } else s.amounts.push(sa);
    }
  }
  for (const r of paymentRows) {
    if (!r.customerId) continue;
    const e = entry(r.customerId);
    e.payment_count += r.count;
    const a = amountsOf(e, r.currency);
    a.payments_received += r.received;
    a.payments_refunded += r.refunded;
  }
  return {
    since: since?.toISOString() ?? null,
    until: until?.toISOString() ?? null,
    data: [...out.values()],
  };
}
