import type { Executor } from "@/lib/db";
import { messageEvents } from "@/lib/db/schema";
import { type OutboxRow, outgoingTypeOf, writeOutbox } from "@/lib/services/outgoing-webhooks/outbox";

export interface MessageEventRow {
  orgId: string;
  messageId: string;
  type: string;
  data?: Record<string, unknown> | null;
}

/** Rows per INSERT: well under Postgres's 65,535 bind parameters (5 per row). */
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
  for (let i = 0; i < values.length; i += CHUNK) {
    await db.insert(messageEvents).values(values.slice(i, i + CHUNK));
  }
  const outbox: OutboxRow[] = [];
  for (const r of rows) {
    const type = outgoingTypeOf(r.type);
    if (type) outbox.push({ orgId: r.orgId, type, messageId: r.messageId });
  }
  await writeOutbox(db, outbox);
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
