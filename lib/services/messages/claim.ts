import { and, asc, eq, getTableColumns, inArray, lte, or, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { type Message, messages } from "@/lib/db/schema";

/** Which messages a group claims: named ones (a job's message), or the next due ones of a campaign. */
export type GroupTarget =
  | { ids: string[] }
  | { campaignId: string; limit: number; orphanedBefore: Date; now?: Date };

export interface ClaimedMessage {
  message: Message;
  /** The status before the claim: `sending` means an earlier run died during its provider call. */
  previous: Message["status"];
}

/**
 * Claims a group in one statement: queued → sending (and due scheduled ones),
 * with the attempt counted. Rows are locked with SKIP LOCKED, so two workers
 * never claim the same message. Named messages found `sending` are taken too
 * (their job's lease ran out, so their run died); a campaign's are taken once
 * idle past `orphanedBefore`, and go first.
 */
export async function claimGroup(db: Executor, target: GroupTarget): Promise<ClaimedMessage[]> {
  if ("ids" in target && target.ids.length === 0) return [];
  const previous = sql<Message["status"]>`${messages.status}`.as("previous_status");
  const candidates =
    "ids" in target
      ? db
          .select({ id: sql<string>`${messages.id}`.as("claim_id"), previous })
          .from(messages)
          .where(
            and(
              inArray(messages.id, target.ids),
              inArray(messages.status, ["queued", "scheduled", "sending"]),
            ),
          )
          .for("update")
      : db
          .select({ id: sql<string>`${messages.id}`.as("claim_id"), previous })
          .from(messages)
          .where(
            and(
              eq(messages.campaignId, target.campaignId),
              or(
                eq(messages.status, "queued"),
                and(eq(messages.status, "sending"), lte(messages.sendingAt, target.orphanedBefore)),
                and(eq(messages.status, "scheduled"), lte(messages.scheduledAt, target.now ?? new Date())),
              ),
            ),
          )
          .orderBy(sql`case when ${messages.status} = 'sending' then 0 else 1 end`, asc(messages.id))
          .limit(target.limit)
          .for("update", { skipLocked: true });
  const claim = candidates.as("claim");
  const rows = await db
    .update(messages)
    .set({ status: "sending", sendingAt: new Date(), attemptCount: sql`${messages.attemptCount} + 1` })
    .from(claim)
    .where(eq(messages.id, claim.id))
    .returning({ ...getTableColumns(messages), previous: claim.previous });
  return rows
    .map(({ previous, ...message }) => ({ message: message as Message, previous }))
    .sort((a, b) => rank(a) - rank(b) || (a.message.id < b.message.id ? -1 : 1));
}

const rank = (c: ClaimedMessage) => (c.previous === "sending" ? 0 : 1);
