import { defineFunction } from "@/inngest/define";
import { billingStatus } from "@/lib/services/billing/stripe";
import { SYNC_KINDS, type SyncPageResult, syncPage } from "@/lib/services/billing/sync";

/** A safety stop far above any real account (1,000 pages of 100 per kind). */
const MAX_PAGES = 1000;

/**
 * Daily: re-reads customers, then subscriptions, then invoices from Stripe, a
 * page per step (cursor paging), so a missed webhook heals within a day and a
 * crash resumes at the page it reached.
 */
export const syncBilling = defineFunction({
  id: "billing-daily-sync",
  trigger: { cron: "17 3 * * *" },
  retries: 3,
  async handler({ step }) {
    if (!billingStatus().configured) return { skipped: "billing is not configured (no STRIPE_SECRET_KEY)" };
    const totals: Record<string, { pages: number; seen: number; mirrored: number; skipped: number }> = {};
    for (const kind of SYNC_KINDS) {
      const total = { pages: 0, seen: 0, mirrored: 0, skipped: 0 };
      let cursor: string | null = null;
      do {
        const after: string | null = cursor;
        const page: SyncPageResult = await step.run(`${kind}-page-${total.pages}`, () =>
          syncPage(kind, after),
        );
        total.pages++;
        total.seen += page.seen;
        total.mirrored += page.mirrored;
        total.skipped += page.skipped;
        cursor = page.next;
      } while (cursor && total.pages < MAX_PAGES);
      totals[kind] = total;
    }
    return totals;
  },
});
