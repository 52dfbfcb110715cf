import { and, eq, inArray } from "drizzle-orm";
import type Stripe from "stripe";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import {
  type BillingInvoice,
  billingCoupons,
  billingCustomers,
  billingInvoices,
  billingSubscriptions,
} from "@/lib/db/schema";
import { keyset, type Page } from "@/lib/pagination";
import type { Ctx } from "@/lib/services/context";
import { getOrganisation } from "@/lib/services/orgs/organisations";
import type { InvoiceQuery } from "@/lib/validation/billing";
import { renderInvoicePdf } from "./invoice-pdf";
import { getProfileRow } from "./profile";
import { billingPage, getInvoiceInOrg } from "./rows";
import { assertBillingConfigured, callStripe, stripe } from "./stripe";

/** Every line of an invoice: Stripe embeds the first page only. */
export async function invoiceLines(invoice: Stripe.Invoice): Promise<Stripe.InvoiceLineItem[]> {
  if (!invoice.lines?.has_more) return invoice.lines?.data ?? [];
  return callStripe(() =>
    stripe().invoices.listLineItems(invoice.id, { limit: 100 }).autoPagingToArray({ limit: 10_000 }),
  );
}

/** Invoices of the organisation, newest first. */
export async function listInvoices({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: InvoiceQuery;
}): Promise<Page<BillingInvoice>> {
  requirePermission(ctx, "billing:read");
  assertBillingConfigured();
  const db = await getDb();
  const t = billingInvoices;
  const page = keyset(t.stripeCreatedAt, t.id, input.cursor);
  const rows = await db
    .select()
    .from(t)
    .where(
      and(
        eq(t.orgId, ctx.orgId),
        input.customer_id ? eq(t.customerId, input.customer_id) : undefined,
        input.subscription_id ? eq(t.subscriptionId, input.subscription_id) : undefined,
        input.status ? eq(t.status, input.status) : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  return billingPage(rows, input.limit);
}

/** An invoice of the organisation, with lines, discounts and taxes. */
export async function getInvoice({ ctx, id }: { ctx: Ctx; id: string }): Promise<BillingInvoice> {
  requirePermission(ctx, "billing:read");
  assertBillingConfigured();
  const db = await getDb();
  return withCouponNames(await getInvoiceInOrg(db, ctx, id), ctx.orgId);
}

/**
 * Names discounts after the organisation's own coupons when Stripe sent them
 * unexpanded (webhook payloads): by the coupon id, else the subscription's one coupon.
 */
async function withCouponNames(invoice: BillingInvoice, orgId: string): Promise<BillingInvoice> {
  if (!invoice.discounts.some((d) => d.label === "Discount")) return invoice;
  const db = await getDb();
  let fallback: string | undefined;
  if (invoice.subscriptionId && invoice.discounts.some((d) => !d.coupon_id)) {
    const [s] = await db
      .select({ couponIds: billingSubscriptions.couponIds })
      .from(billingSubscriptions)
      .where(and(eq(billingSubscriptions.id, invoice.subscriptionId), eq(billingSubscriptions.orgId, orgId)));
    if (s?.couponIds.length === 1) fallback = s.couponIds[0];
  }
  const ids = [...invoice.discounts.map((d) => d.coupon_id), fallback].filter((c): c is string => Boolean(c));
  if (ids.length === 0) return invoice;
  const coupons = await db
    .select({ id: billingCoupons.id, name: billingCoupons.name, percentOff: billingCoupons.percentOff })
    .from(billingCoupons)
    .where(and(eq(billingCoupons.orgId, orgId), inArray(billingCoupons.id, ids)));
  const byId = new Map(coupons.map((c) => [c.id, c]));
  return {
    ...invoice,
    discounts: invoice.discounts.map((d) => {
      const id = d.coupon_id ?? fallback;
      const c = id ? byId.get(id) : undefined;
      if (!c || d.label !== "Discount") return d;
      return {
        ...d,
        label: `${c.name ?? c.id}${c.percentOff ? ` (${c.percentOff}% off)` : ""}`,
        coupon_id: c.id,
      };
    }),
  };
}

/** Our own PDF of an invoice: issuer, customer, lines, discounts, tax, totals, status and dates. */
export async function invoicePdf({
  ctx,
  id,
}: {
  ctx: Ctx;
  id: string;
}): Promise<{ pdf: Buffer; filename: string }> {
  requirePermission(ctx, "billing:read");
  assertBillingConfigured();
  const db = await getDb();
  const invoice = await withCouponNames(await getInvoiceInOrg(db, ctx, id), ctx.orgId);
  const [org, profile, customer] = await Promise.all([
    getOrganisation(db, ctx.orgId),
    getProfileRow(db, ctx.orgId),
    invoice.customerId
      ? db
          .select()
          .from(billingCustomers)
          .where(and(eq(billingCustomers.id, invoice.customerId), eq(billingCustomers.orgId, ctx.orgId)))
          .then((rows) => rows[0] ?? null)
      : Promise.resolve(null),
  ]);
  const pdf = await renderInvoicePdf({ invoice, organisation: org, profile, customer });
  const filename = `invoice-${(invoice.number ?? invoice.id).replace(/[^A-Za-z0-9_-]/g, "_")}.pdf`;
  return { pdf, filename };
}
