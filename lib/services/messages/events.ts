import { sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { type OutboxRow, outgoingTypeOf, writeOutbox } from "@/lib/services/outgoing-webhooks/outbox";

export interface MessageEventRow {
  orgId: string;
  messageId: string;
  type: string;
  data?: Record<string, unknown> | null;
}

/** Rows per INSERT (one jsonb parameter each): keeps a statement's text in the low megabytes. */
const CHUNK = 5000;

/**
 * Appends events to messages' timelines in multi-row statements, and in one more
 * the outgoing-webhook outbox rows for those the organisation's systems are told
 * about — on the same executor, so inside the caller's transaction. Rows of one
 * message keep their order: each gets a timestamp at least a millisecond after
 * the previous one of the same message, since timelines sort by time.
 */
export async function addMessageEvents(db: Executor, rows: MessageEventRow[]): Promise<void> {
  if (rows.length === 0) return;
  const now = Date.now();
  const last = new Map<string, number>();
  const values = rows.map((r) => {
    const previous = last.get(r.messageId);
    const at = previous === undefined ? now : previous + 1;
    last.set(r.messageId, at);
    return { orgId: r.orgId, messageId: r.messageId, type: r.type, data: r.data ?? null, at: new Date(at) };
  });
  const outbox: OutboxRow[] = [];
  for (const r of rows) {
    const type = outgoingTypeOf(r.type);
    if (type) outbox.push({ orgId: r.orgId, type, messageId: r.messageId });
  }
  // The events and the outbox rows go together (pipelined on one connection on Postgres).
  await Promise.all([insertEvents(db, values), writeOutbox(db, outbox)]);
}

async function insertEvents(
  db: Executor,
  values: { orgId: string; messageId: string; type: string; data: unknown; at: Date }[],
): Promise<void> {
  // The rows go as one jsonb parameter expanded by jsonb_populate_recordset: one
  // statement with one bind parameter, however many rows (campaign freezes write
  // thousands at a time), rather than five parameters a row built by the query builder.
  for (let i = 0; i < values.length; i += CHUNK) {
    const json = JSON.stringify(
      values.slice(i, i + CHUNK).map((v) => ({
        org_id: v.orgId,
        message_id: v.messageId,
        type: v.type,
        data: v.data,
        at: v.at.toISOString(),
      })),
    );
    await db.execute(sql`
      insert into message_events (org_id, message_id, type, data, at)
      select org_id, message_id, type, data, at from jsonb_populate_recordset(null::message_events, ${json}::jsonb)`);
  }
}

/** Appends an event (status change, opened, clicked, …) to a message's timeline. */
export async function addMessageEvent(
  db: Executor,
  orgId: string,
  messageId: string,
  type: string,
  data?: Record<string, unknown>,
): Promise<void> {
  await addMessageEvents(db, [{ orgId, messageId, type, data: data ?? null }]);
}
