import { and, eq, sql } from "drizzle-orm";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { campaigns, messages } from "@/lib/db/schema";
import { deliverGroup } from "@/lib/services/messages/deliver";
import { emitCampaignCompleted } from "@/lib/services/outgoing-webhooks/outbox";
import { abPendingUntil } from "./ab";
import { BATCH_SIZE } from "./lanes";

/**
 * Messages per delivery group, all in flight at once: also the bound on
 * messages ambiguous after a crash (a group records its outcomes when it ends).
 */
export const CAMPAIGN_CONCURRENCY = 20;
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
 * Sends one batch of a running campaign's due messages in groups of
 * CAMPAIGN_CONCURRENCY through the group delivery pipeline (each group is
 * claimed queued → sending in one statement before its provider calls, so no
 * message is sent twice by two runs or two workers). Re-reads the campaign's
 * status between groups so pause and cancel take effect within seconds.
 * Messages found `sending` past a lease are orphans of a crashed run and go
 * first (the interrupted-send policy applies).
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

  let claimed = 0;
  let sent = 0;
  let unavailable = 0;
  while (claimed < size) {
    if (claimed > 0) {
      const status = await campaignStatus(campaignId);
      if (status !== "running") return { state: "stopped", status: status ?? "missing", sent };
    }
    const group = await deliverGroup(
      {
        campaignId,
        limit: Math.min(CAMPAIGN_CONCURRENCY, size - claimed),
        orphanedBefore,
        now,
        // Orphans (a crashed run's messages) are looked for once per batch, in its first group.
        orphans: claimed === 0,
      },
      { concurrency: CAMPAIGN_CONCURRENCY },
    );
    if (group.claimed === 0) break;
    claimed += group.claimed;
    let unavailableHere = 0;
    for (const o of group.outcomes.values()) {
      if (o.status === "sent") sent++;
      else if (o.status === "unavailable") unavailableHere++;
    }
    unavailable += unavailableHere;
    // Those went back to `queued`: claiming them again in this batch would spin.
    if (unavailableHere > 0) break;
  }
  const due = { length: claimed };

  if (unavailable > 0 && sent === 0) {
    // Every provider is down or at its limit: wait instead of spinning.
    return { state: "waiting", until: new Date(Date.now() + 30_000).toISOString(), sent };
  }
  if (campaign.throttlePerMinute && due.length) {
    const until = started + Math.ceil((due.length / campaign.throttlePerMinute) * 60_000);
    if (until > Date.now()) return { state: "waiting", until: new Date(until).toISOString(), sent };
  }
  if (unavailable > 0 || due.length === size) return { state: "continue", sent };

  // Looked at before the messages, so a rollout committing in between shows up as open messages.
  const abUntil = await abPendingUntil(campaign);
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
  if (abUntil) return { state: "waiting", until: abUntil, sent };
  // The campaign.completed outgoing webhook is written in the transaction that completes it.
  await db.transaction(async (tx) => {
    const [done] = await tx
      .update(campaigns)
      .set({ status: "completed", completedAt: new Date() })
      .where(and(eq(campaigns.id, campaignId), eq(campaigns.status, "running")))
      .returning();
    if (done) await emitCampaignCompleted(tx, done);
  });
  return { state: "done", sent };
}
