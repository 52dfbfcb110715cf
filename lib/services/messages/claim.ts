import {
  and,
  asc,
  eq,
  getTableColumns,
  inArray,
  isNull,
  lte,
  notInArray,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import type { SubqueryWithSelection } from "drizzle-orm/pg-core";
import type { Executor } from "@/lib/db";
import { type Message, messages } from "@/lib/db/schema";

/** Which messages a group claims: named ones (a job's message), or the next due ones of a campaign. */
export type GroupTarget =
  | {
      ids: string[];
      /** Named messages found `sending` are taken only when idle since before this (their run died). */
      orphanedBefore?: Date;
      /**
       * Micro-batching: also claim up to `limit` other due messages of this
       * organisation that are outside campaigns and were never tried, so one run
       * delivers what is due; their own runs then find them taken or done.
       */
      siblings?: { orgId: string; limit: number; now?: Date };
    }
  | { campaignId: string; limit: number; orphanedBefore: Date; now?: Date };

export interface ClaimedMessage {
  message: Message;
  /** The status before the claim: `sending` means an earlier run died during its provider call. */
  previous: Message["status"];
}

/**
 * Claims a group in one statement (two with siblings): queued → sending (and
 * due scheduled ones), with the attempt counted. Rows are locked with SKIP
 * LOCKED, so two workers never claim the same message. Messages found
 * `sending` belong to a run that died during its provider call: a campaign's,
 * and named ones given `orphanedBefore`, are taken once idle past it (without
 * it, named ones are taken at once: their job's lease ran out); they go first.
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
              target.orphanedBefore
                ? or(
                    inArray(messages.status, ["queued", "scheduled"]),
                    and(eq(messages.status, "sending"), lte(messages.sendingAt, target.orphanedBefore)),
                  )
                : inArray(messages.status, ["queued", "scheduled", "sending"]),
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
  const claimed = await claimRows(db, candidates.as("claim"));
  if ("ids" in target && target.siblings && target.siblings.limit > 0) {
    const { orgId, limit, now } = target.siblings;
    const siblings = db
      .select({ id: sql<string>`${messages.id}`.as("claim_id"), previous })
      .from(messages)
      .where(
        and(
          eq(messages.orgId, orgId),
          isNull(messages.campaignId),
          eq(messages.attemptCount, 0),
          notInArray(messages.id, target.ids),
          or(
            eq(messages.status, "queued"),
            and(eq(messages.status, "scheduled"), lte(messages.scheduledAt, now ?? new Date())),
          ),
        ),
      )
      .orderBy(asc(messages.createdAt))
      .limit(limit)
      .for("update", { skipLocked: true });
    claimed.push(...(await claimRows(db, siblings.as("claim"))));
  }
  return claimed.sort((a, b) => rank(a) - rank(b) || (a.message.id < b.message.id ? -1 : 1));
}

/** queued → sending for the candidate rows, with the attempt counted; answers them with their previous status. */
async function claimRows(
  db: Executor,
  claim: SubqueryWithSelection<
    { id: SQL.Aliased<string>; previous: SQL.Aliased<Message["status"]> },
    "claim"
  >,
): Promise<ClaimedMessage[]> {
  const rows = await db
    .update(messages)
    .set({ status: "sending", sendingAt: new Date(), attemptCount: sql`${messages.attemptCount} + 1` })
    .from(claim)
    .where(eq(messages.id, claim.id))
    .returning({ ...getTableColumns(messages), previous: claim.previous });
  return rows.map(({ previous, ...message }) => ({ message: message as Message, previous }));
}

const rank = (c: ClaimedMessage) => (c.previous === "sending" ? 0 : 1);
