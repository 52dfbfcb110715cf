import { randomUUID } from "node:crypto";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { type Db, type Executor, getDb } from "@/lib/db";
import { eventOutbox, webhookEndpoints } from "@/lib/db/schema";
import { emit } from "@/lib/jobs/emit";
import { log } from "@/lib/logger";
import type { OutgoingEventType } from "@/lib/validation/outgoing-webhooks";

export { OUTGOING_EVENT_TYPES, type OutgoingEventType } from "@/lib/validation/outgoing-webhooks";

/** The message_events types that are told to the organisation's systems, and as what. */
const MESSAGE_EVENT_TYPES: Record<string, OutgoingEventType> = {
  queued: "message.queued",
  sent: "message.sent",
  delivered: "message.delivered",
  failed: "message.failed",
  undelivered: "message.undelivered",
  bounced: "message.bounced",
  rejected: "message.rejected",
  opened: "message.opened",
  clicked: "message.clicked",
  unsubscribed: "message.unsubscribed",
  complained: "message.complained",
  // Inbound SMS are stored as delivered inbound messages with a "received" event.
  received: "message.inbound",
};

/** The outgoing event type of a message event, or null for internal ones (sending, retrying, late_*). */
export function outgoingTypeOf(messageEventType: string): OutgoingEventType | null {
  return MESSAGE_EVENT_TYPES[messageEventType] ?? null;
}

export interface OutboxRow {
  orgId: string;
  type: OutgoingEventType;
  messageId?: string | null;
  data?: Record<string, unknown> | null;
}

/** From this many rows on, a write first asks which organisations have an enabled endpoint. */
const ASK_FROM = 100;

/** The rows of organisations with at least one enabled endpoint (one query). */
async function forListeningOrgs(db: Executor, rows: OutboxRow[]): Promise<OutboxRow[]> {
  const orgIds = [...new Set(rows.map((r) => r.orgId))];
  const listening = await db
    .selectDistinct({ orgId: webhookEndpoints.orgId })
    .from(webhookEndpoints)
    .where(and(inArray(webhookEndpoints.orgId, orgIds), eq(webhookEndpoints.enabled, true)));
  const set = new Set(listening.map((r) => r.orgId));
  return set.size === orgIds.length ? rows : rows.filter((r) => set.has(r.orgId));
}

/**
 * Writes events to the outbox on the caller's executor (so inside the caller's
 * transaction): one multi-row statement per call. Small writes (a send, a
 * status change) are written whether or not the organisation has endpoints —
 * cheaper than asking; the dispatcher drops unmatched rows. A large write (a
 * campaign freeze's page, a group's events) first asks, in one query, which
 * organisations have an enabled endpoint, and writes only theirs: an endpoint
 * hears of what happens after it was enabled.
 */
export async function writeOutbox(db: Executor, rows: OutboxRow[]): Promise<void> {
  if (rows.length >= ASK_FROM) rows = await forListeningOrgs(db, rows);
  if (rows.length === 0) return;
  for (let i = 0; i < rows.length; i += 1000) {
    await db.insert(eventOutbox).values(
      rows.slice(i, i + 1000).map((r) => ({
        orgId: r.orgId,
        type: r.type,
        messageId: r.messageId ?? null,
        data: r.data ?? null,
      })),
    );
  }
  kickDispatcher();
}

// The dispatcher is woken shortly after a write rather than from inside the
// writer's transaction (which may not have committed yet, and would cost one
// more statement per batch). A wake lost to a crash, or one that ran before
// the commit, is made good by the every-minute sweep (inngest/functions/outgoing-webhooks).
const KICK_DELAY_MS = 100;
let kickTimer: NodeJS.Timeout | undefined;

/** Whether an undispatched event belongs to an organisation with an enabled endpoint (else the sweep tidies up). */
async function hasWork(db: Db): Promise<boolean> {
  const [row] = await db
    .select({ id: eventOutbox.id })
    .from(eventOutbox)
    .innerJoin(
      webhookEndpoints,
      and(eq(webhookEndpoints.orgId, eventOutbox.orgId), eq(webhookEndpoints.enabled, true)),
    )
    .where(isNull(eventOutbox.dispatchedAt))
    .limit(1);
  return Boolean(row);
}

function kickDispatcher(): void {
  if (kickTimer) return;
  // The database as it is now: should it be closed by the time the timer fires
  // (shutdown, the end of a test file), the wake fails quietly instead of reopening it.
  const opened = getDb();
  kickTimer = setTimeout(() => {
    kickTimer = undefined;
    opened
      .then(async (db) =>
        (await hasWork(db))
          ? emit([{ name: "webhooks/outbox.written", data: {}, id: randomUUID() }], db)
          : undefined,
      )
      .catch((e) =>
        log.warn("could not wake the outgoing-webhook dispatcher", {
          error: e instanceof Error ? e.message : String(e),
        }),
      );
  }, KICK_DELAY_MS);
  kickTimer.unref();
}

/** Emits a non-message event (opt-outs, campaigns, budgets) in the caller's transaction. */
export async function emitOutgoingEvent(
  db: Executor,
  orgId: string,
  type: OutgoingEventType,
  data: Record<string, unknown>,
): Promise<void> {
  await writeOutbox(db, [{ orgId, type, data }]);
}

/** For the budgets code: a budget crossed one of its thresholds (SPEC §8). */
export async function emitBudgetThresholdReached(
  db: Executor,
  orgId: string,
  payload: Record<string, unknown>,
): Promise<void> {
  await emitOutgoingEvent(db, orgId, "budget.threshold_reached", payload);
}

/** campaign.completed, in the transaction that completes the campaign. */
export async function emitCampaignCompleted(
  db: Executor,
  c: { id: string; orgId: string; name: string; channel: string; completedAt: Date | null },
): Promise<void> {
  await emitOutgoingEvent(db, c.orgId, "campaign.completed", {
    id: c.id,
    name: c.name,
    channel: c.channel,
    status: "completed",
    completed_at: (c.completedAt ?? new Date()).toISOString(),
  });
}
