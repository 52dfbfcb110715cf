import type Stripe from "stripe";
import { getDb } from "@/lib/db";
import { invoiceLines } from "./invoices";
import { organisationOf, upsertCustomer, upsertInvoice, upsertSubscription } from "./mirror";
import { callStripe, stripe, stripeTimeOf } from "./stripe";

export const SYNC_KINDS = ["customers", "subscriptions", "invoices"] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];

export interface SyncPageResult {
  kind: SyncKind;
  /** Pass as `startingAfter` for the next page; null after the last one. */
  next: string | null;
  seen: number;
  /** Rows written: every object of ours unless a webhook stored a newer state meanwhile. */
  mirrored: number;
  /** Objects of no organisation here (another system's, on the same Stripe account). */
  skipped: number;
}

export const SYNC_PAGE_SIZE = 100;

function listPage(kind: SyncKind, startingAfter: string | null, limit: number) {
  const client = stripe();
  const page = { limit, ...(startingAfter ? { starting_after: startingAfter } : {}) };
  switch (kind) {
    case "customers":
      return callStripe(() => client.customers.list(page));
    case "subscriptions":
      return callStripe(() =>
        client.subscriptions.list({ ...page, status: "all", expand: ["data.discounts"] }),
      );
    case "invoices":
      return callStripe(() =>
        client.invoices.list({ ...page, expand: ["data.total_discount_amounts.discount"] }),
      );
  }
}

type Listed = Stripe.Customer | Stripe.Subscription | Stripe.Invoice;

/**
 * Re-reads one page of Stripe's list (cursor paging with starting_after) and
 * writes each object of ours into the mirror at the page's Stripe time, so a
 * missed or failed webhook is repaired; newer state from a webhook is kept.
 */
export async function syncPage(
  kind: SyncKind,
  startingAfter: string | null,
  limit = SYNC_PAGE_SIZE,
): Promise<SyncPageResult> {
  const page = await listPage(kind, startingAfter, limit);
  const at = stripeTimeOf(page);
  const db = await getDb();
  let mirrored = 0;
  let skipped = 0;
  const objects: Listed[] = page.data;
  for (const object of objects) {
    const orgId = await organisationOf(db, object);
    if (!orgId) {
      skipped++;
      continue;
    }
    let changed: boolean;
    if (object.object === "customer") {
      changed = (await upsertCustomer(db, orgId, object, at)).applied;
    } else if (object.object === "subscription") {
      changed = (await upsertSubscription(db, orgId, object, at)).applied;
    } else {
      changed = (await upsertInvoice(db, orgId, object, at, await invoiceLines(object))).applied;
    }
    if (changed) mirrored++;
  }
  const last = page.data.at(-1);
  return {
    kind,
    next: page.has_more && last ? last.id : null,
    seen: page.data.length,
    mirrored,
    skipped,
  };
}
