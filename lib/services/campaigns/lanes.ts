import { and, eq, inArray, sql } from "drizzle-orm";
import type { OutgoingEvent } from "@/inngest/events";
import { getDb } from "@/lib/db";
import { campaigns, messages } from "@/lib/db/schema";

/** Messages a dispatch run claims per batch (between pause/cancel checks and throttle waits). */
export const BATCH_SIZE = 1000;

/**
 * Dispatch runs of one campaign at once, across every instance: the
 * `concurrency` keyed by campaign on the dispatch function (Inngest's own flow
 * control, honoured by the embedded runner too). Each lane claims its groups
 * with SKIP LOCKED, so lanes on many instances share one campaign and never
 * take the same message.
 */
export const CAMPAIGN_LANES = 4;

/**
 * The dispatch events that fan a campaign out: one per lane, as many as its
 * open messages fill batches for (at most CAMPAIGN_LANES), with deterministic
 * ids per fan-out (`gen`: launch, rollout, a resume's time). A throttled
 * campaign gets one lane: its pace is kept by that lane's waits between
 * batches, since Inngest's `throttle` limit is fixed per function and cannot
 * carry each campaign's own throttle_per_minute.
 */
export async function dispatchEvents(
  campaignId: string,
  gen: string,
): Promise<OutgoingEvent<"campaigns/campaign.dispatch">[]> {
  const db = await getDb();
  const [c] = await db
    .select({ id: campaigns.id, orgId: campaigns.orgId, throttlePerMinute: campaigns.throttlePerMinute })
    .from(campaigns)
    .where(eq(campaigns.id, campaignId));
  if (!c) return [];
  let lanes = 1;
  if (!c.throttlePerMinute) {
    const [row] = await db
      .select({ open: sql<number>`count(*)::int` })
      .from(messages)
      .where(
        and(eq(messages.campaignId, c.id), inArray(messages.status, ["queued", "scheduled", "sending"])),
      );
    lanes = Math.max(1, Math.min(CAMPAIGN_LANES, Math.ceil((row?.open ?? 0) / BATCH_SIZE)));
  }
  return Array.from({ length: lanes }, (_, lane) => ({
    name: "campaigns/campaign.dispatch" as const,
    id: `campaign:${c.id}:${gen}:lane:${lane}`,
    data: { campaignId: c.id, orgId: c.orgId, lane, gen },
  }));
}
