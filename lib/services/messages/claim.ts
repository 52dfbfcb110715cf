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
  | {
      campaignId: string;
      limit: number;
      orphanedBefore: Date;
      now?: Date;
      /** Look for orphans too (default): a batch asks once, in its first group. */
      orphans?: boolean;
    };

export interface ClaimedMessage {
  message: Message;
  /** The status before the claim: `sending` means an earlier run died during its provider call. */
  previous: Message["status"];
}

/**
 * Claims a group in a few statements (one per kind of row): queued → sending
 * (and due scheduled ones), with the attempt counted. Rows are locked with SKIP
 * LOCKED, so two workers never claim the same message. Messages found
 * `sending` belong to a run that died during its provider call: a campaign's,
 * and named ones given `orphanedBefore`, are taken once idle past it (without
 * it, named ones are taken at once: their job's lease ran out); they go first.
 */
export async function claimGroup(db: Executor, target: GroupTarget): Promise<ClaimedMessage[]> {
  if ("ids" in target && target.ids.length === 0) return [];
  const previous = sql<Message["status"]>`${messages.status}`.as("previous_status");
  const candidates = (where: SQL | undefined) =>
    db
      .select({ id: sql<string>`${messages.id}`.as("claim_id"), previous })
      .from(messages)
      .where(where);
  const claimed: ClaimedMessage[] = [];
  if ("ids" in target) {
    const named = candidates(
      and(
        inArray(messages.id, target.ids),
        target.orphanedBefore
          ? or(
              inArray(messages.status, ["queued", "scheduled"]),
              and(eq(messages.status, "sending"), lte(messages.sendingAt, target.orphanedBefore)),
            )
          : inArray(messages.status, ["queued", "scheduled", "sending"]),
      ),
    ).for("update");
    claimed.push(...(await claimRows(db, named.as("claim"))));
    if (target.siblings && target.siblings.limit > 0) {
      // Served in order by the partial index messages_single_queued_idx, however many
      // campaign messages of the organisation are queued beside them.
      const siblings = candidates(
        and(
          eq(messages.orgId, target.siblings.orgId),
          isNull(messages.campaignId),
          eq(messages.status, "queued"),
          eq(messages.attemptCount, 0),
          notInArray(messages.id, target.ids),
        ),
      )
        .orderBy(asc(messages.createdAt))
        .limit(target.siblings.limit)
        .for("update", { skipLocked: true });
      claimed.push(...(await claimRows(db, siblings.as("claim"))));
    }
  } else {
    // A campaign's orphans first, then queued, then due scheduled messages: one
    // index range each (campaign, status), read only as far as the group needs —
    // no sort over the campaign's whole queue, so a claim costs the same at 100
    // and at 1,000,000 recipients.
    const parts = [
      ...(target.orphans === false
        ? []
        : [and(eq(messages.status, "sending"), lte(messages.sendingAt, target.orphanedBefore))]),
      eq(messages.status, "queued"),
      and(eq(messages.status, "scheduled"), lte(messages.scheduledAt, target.now ?? new Date())),
    ];
    for (const part of parts) {
      const room = target.limit - claimed.length;
      if (room <= 0) break;
      const next = candidates(and(eq(messages.campaignId, target.campaignId), part))
        .limit(room)
        .for("update", { skipLocked: true });
      claimed.push(...(await claimRows(db, next.as("claim"))));
    }
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
