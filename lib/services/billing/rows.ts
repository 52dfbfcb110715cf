import { and, eq } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import {
  type BillingCoupon,
  type BillingCustomer,
  type BillingInvoice,
  type BillingSubscription,
  billingCoupons,
  billingCustomers,
  billingInvoices,
  billingSubscriptions,
} from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { encodeCursor, type Page } from "@/lib/pagination";
import type { Ctx } from "@/lib/services/context";

// Fetch-or-throw helpers: another organisation's row is NotFound, like a missing one.

export async function getCustomerInOrg(db: Executor, ctx: Ctx, id: string): Promise<BillingCustomer> {
  const [row] = await db
    .select()
    .from(billingCustomers)
    .where(and(eq(billingCustomers.id, id), eq(billingCustomers.orgId, ctx.orgId)));
  if (!row || row.deleted) throw AppError.notFound("Customer");
  return row;
}

export async function getSubscriptionInOrg(db: Executor, ctx: Ctx, id: string): Promise<BillingSubscription> {
  const [row] = await db
    .select()
    .from(billingSubscriptions)
    .where(and(eq(billingSubscriptions.id, id), eq(billingSubscriptions.orgId, ctx.orgId)));
  if (!row) throw AppError.notFound("Subscription");
  return row;
}

export async function getInvoiceInOrg(db: Executor, ctx: Ctx, id: string): Promise<BillingInvoice> {
  const [row] = await db
    .select()
    .from(billingInvoices)
    .where(and(eq(billingInvoices.id, id), eq(billingInvoices.orgId, ctx.orgId)));
  if (!row) throw AppError.notFound("Invoice");
  return row;
}

export async function getCouponInOrg(db: Executor, ctx: Ctx, id: string): Promise<BillingCoupon> {
  const [row] = await db
    .select()
    .from(billingCoupons)
    .where(and(eq(billingCoupons.id, id), eq(billingCoupons.orgId, ctx.orgId)));
  if (!row) throw AppError.notFound("Coupon");
  return row;
}

/**
 * A reference in a request body that does not name a row of this organisation:
 * 422 naming the field (the request is well-formed; what it points at is not ours).
 */
export async function referenced<T>(field: string, what: string, find: () => Promise<T>): Promise<T> {
  try {
    return await find();
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") {
      throw new AppError(
        `${what}_not_found`,
        `${field} does not name a ${what} of this organisation`,
        [{ field, message: "not found" }],
        422,
      );
    }
    throw e;
  }
}

/** limit+1 rows ordered by (Stripe's created, id) descending → a page and its cursor. */
export function billingPage<T extends { stripeCreatedAt: Date; id: string }>(
  rows: T[],
  limit: number,
): Page<T> {
  const more = rows.length > limit;
  const data = more ? rows.slice(0, limit) : rows;
  const last = data.at(-1);
  return { data, nextCursor: more && last ? encodeCursor(last.stripeCreatedAt, last.id) : null };
}

/** Escapes LIKE wildcards in user input. */
export function likePattern(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
