import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { type Campaign, messageEvents, messages } from "@/lib/db/schema";
import type { CampaignStats } from "@/lib/validation/campaigns";
import { countWaiting, variantStats } from "./ab";

/** Live counters of a campaign, computed from its messages and their events. */
export async function campaignStats(db: Executor, c: Campaign): Promise<CampaignStats> {
  const byStatus = await db
    .select({
      status: messages.status,
      n: sql<number>`count(*)::int`,
      cost: sql<number>`coalesce(sum(${messages.cost}), 0)::float`,
      currency: sql<string | null>`max(${messages.currency})`,
    })
    .from(messages)
    .where(eq(messages.campaignId, c.id))
    .groupBy(messages.status);
  const count = (...s: string[]) => byStatus.filter((r) => s.includes(r.status)).reduce((n, r) => n + r.n, 0);
  const reasons = await db
    .select({
      reason: sql<string>`split_part(coalesce(${messages.error}, 'unknown'), ':', 1)`,
      n: sql<number>`count(*)::int`,
    })
    .from(messages)
    .where(and(eq(messages.campaignId, c.id), eq(messages.status, "rejected")))
    .groupBy(sql`1`);
  const engagement = await db
    .select({ type: messageEvents.type, n: sql<number>`count(distinct ${messageEvents.messageId})::int` })
    .from(messageEvents)
    .innerJoin(messages, eq(messages.id, messageEvents.messageId))
    .where(
      and(eq(messages.campaignId, c.id), sql`${messageEvents.type} in ('opened', 'clicked', 'unsubscribed')`),
    )
    .groupBy(messageEvents.type);
  const eng = (t: string) => engagement.find((e) => e.type === t)?.n ?? 0;
  const held = c.variants?.length ? await countWaiting(db, c.id) : 0;
  const targeted = Math.max(c.targeted, byStatus.reduce((n, r) => n + r.n, 0) + held);
  const waiting = count("queued", "scheduled", "sending");
  return {
    targeted,
    queued: waiting,
    sent: count("sent", "delivered"),
    delivered: count("delivered"),
    failed: count("failed", "undelivered", "bounced"),
    rejected: count("rejected"),
    rejected_by_reason: Object.fromEntries(reasons.map((r) => [r.reason, r.n])),
    opened: eng("opened"),
    clicked: eng("clicked"),
    unsubscribed: eng("unsubscribed"),
    cost: Number(byStatus.reduce((n, r) => n + r.cost, 0).toFixed(6)),
    currency: byStatus.find((r) => r.currency)?.currency ?? null,
    in_flight_at_crash: c.inFlightAtCrash,
    cancelled: count("cancelled"),
    progress: targeted
      ? Number(((targeted - waiting - held) / targeted).toFixed(4))
      : c.status === "completed"
        ? 1
        : 0,
    waiting: held,
    variants: await variantStats(db, c),
  };
}
