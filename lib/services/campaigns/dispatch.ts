import { and, asc, eq, lte, or, sql } from "drizzle-orm";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { campaigns, messages } from "@/lib/db/schema";
import { log } from "@/lib/logger";
import { deliverMessage, NoProviderAvailable } from "@/lib/services/messages/deliver";

export const BATCH_SIZE = 1000;
/** Provider calls in flight at once per campaign: also the bound on messages ambiguous after a crash. */
export const CAMPAIGN_CONCURRENCY = 10;

export type BatchResult =
  | { state: "continue"; sent: number }
  | { state: "waiting"; until: string; sent: number }
  | { state: "stopped"; status: string; sent: number }
  | { state: "done"; sent: number };

async function campaignStatus(campaignId: string): Promise<string | null> {
  const db = await getDb();
  const [c] = await db
    .select({ status: campaigns.status })
    .from(campaigns)
    .where(eq(campaigns.id, campaignId));
  return c?.status ?? null;
}

/**
 * Sends one batch of a running campaign's due messages, CAMPAIGN_CONCURRENCY at
 * a time through the normal delivery path (each message is claimed queued →
 * sending before its provider call, so no message is sent twice by two runs).
 * Re-reads the campaign's status between groups so pause and cancel take
 * effect within seconds. Messages found `sending` at the start of a run are
 * orphans of a crashed run and go first (the interrupted-send policy applies).
 */
export async function sendCampaignBatch(campaignId: string, batchSize = BATCH_SIZE): Promise<BatchResult> {
  const db = await getDb();
  const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  if (campaign?.status !== "running")
    return { state: "stopped", status: campaign?.status ?? "missing", sent: 0 };
  const size = campaign.throttlePerMinute ? Math.min(batchSize, campaign.throttlePerMinute) : batchSize;
  const started = Date.now();
  const now = new Date();
  // A message still `sending` after a whole lease belongs to a run that died.
  const orphanedBefore = new Date(now.getTime() - config().jobLeaseSeconds * 1000);
  const due = await db
    .select({ id: messages.id })
    .from(messages)
    .where(
      and(
        eq(messages.campaignId, campaignId),
        or(
          eq(messages.status, "queued"),
          and(eq(messages.status, "sending"), lte(messages.sendingAt, orphanedBefore)),
          and(eq(messages.status, "scheduled"), lte(messages.scheduledAt, now)),
        ),
      ),
    )
    .orderBy(sql`case when ${messages.status} = 'sending' then 0 else 1 end`, asc(messages.id))
    .limit(size);

  let sent = 0;
  let unavailable = 0;
  for (let i = 0; i < due.length; i += CAMPAIGN_CONCURRENCY) {
    if (i > 0 && (await campaignStatus(campaignId)) !== "running") {
      return { state: "stopped", status: (await campaignStatus(campaignId)) ?? "missing", sent };
    }
    const group = due.slice(i, i + CAMPAIGN_CONCURRENCY);
    const outcomes = await Promise.allSettled(group.map((m) => deliverMessage(m.id)));
    for (const o of outcomes) {
      if (o.status === "fulfilled" && o.value.status === "sent") sent++;
      else if (o.status === "rejected") {
        if (o.reason instanceof NoProviderAvailable) unavailable++;
        else log.error("campaign message failed unexpectedly", { campaignId, error: o.reason });
      }
    }
  }

  if (due.length && unavailable === due.length) {
    // Every provider is down or at its limit: wait instead of spinning.
    return { state: "waiting", until: new Date(Date.now() + 30_000).toISOString(), sent };
  }
  if (campaign.throttlePerMinute && due.length) {
    const until = started + Math.ceil((due.length / campaign.throttlePerMinute) * 60_000);
    if (until > Date.now()) return { state: "waiting", until: new Date(until).toISOString(), sent };
  }
  if (due.length === size) return { state: "continue", sent };

  const [pending] = await db
    .select({
      next: sql<string | null>`min(${messages.scheduledAt}) filter (where ${messages.status} = 'scheduled')`,
      sending: sql<string | null>`min(${messages.sendingAt}) filter (where ${messages.status} = 'sending')`,
      open: sql<number>`count(*) filter (where ${messages.status} in ('queued', 'sending', 'scheduled'))::int`,
    })
    .from(messages)
    .where(eq(messages.campaignId, campaignId));
  if (pending?.sending) {
    // Only messages of a dead run are left: wait until they count as orphaned.
    const until = new Date(new Date(pending.sending).getTime() + config().jobLeaseSeconds * 1000 + 100);
    return { state: "waiting", until: until.toISOString(), sent };
  }
  if (pending?.next) return { state: "waiting", until: new Date(pending.next).toISOString(), sent };
  if ((pending?.open ?? 0) > 0) return { state: "continue", sent };
  await db
    .update(campaigns)
    .set({ status: "completed", completedAt: new Date() })
    .where(and(eq(campaigns.id, campaignId), eq(campaigns.status, "running")));
  return { state: "done", sent };
}
