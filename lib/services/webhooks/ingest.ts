import { and, eq, sql } from "drizzle-orm";
import { type Executor, getDb } from "@/lib/db";
import {
  type Message,
  type MessageStatus,
  messages,
  type Provider,
  providers,
  webhookEvents,
} from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { suppress } from "@/lib/services/consent/suppressions";
import { addMessageEvent } from "@/lib/services/messages/events";

/** How far along the lifecycle a status is; a message never moves to a lower rank. */
const RANK: Record<MessageStatus, number> = {
  scheduled: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  bounced: 5,
  rejected: 5,
  cancelled: 5,
};

/** A normalised provider event: a status change of one message, or an engagement event beside it. */
export interface ProviderEvent {
  /** The provider's id for this event (deduplication key). */
  eventId: string;
  /** Provider's own name of the event, kept for debugging. */
  type: string;
  /** The message: by the provider's message id, or by our id when the provider echoes it back. */
  providerMessageId?: string | null;
  messageId?: string | null;
  status?: Extract<MessageStatus, "sent" | "delivered" | "undelivered" | "failed" | "bounced">;
  /** opened, clicked, complained, unsubscribed, deferred … */
  engagement?: string;
  at?: Date;
  error?: string | null;
  /** Price the provider reports for the message. */
  cost?: { amount: number; currency: string } | null;
  /** The address to suppress: hard bounces and spam complaints. */
  suppress?: { address: string; reason: "hard_bounce" | "complaint"; detail?: string } | null;
  data?: Record<string, unknown>;
}

/** The provider a webhook URL names; 404 for an unknown id (nothing is stored). */
export async function webhookProvider(providerId: string, type: Provider["type"]): Promise<Provider> {
  if (!/^[0-9a-f-]{36}$/i.test(providerId)) throw AppError.notFound("Provider");
  const db = await getDb();
  const [p] = await db
    .select()
    .from(providers)
    .where(and(eq(providers.id, providerId), eq(providers.type, type)));
  if (!p) throw AppError.notFound("Provider");
  return p;
}

async function findMessage(db: Executor, provider: Provider, e: ProviderEvent): Promise<Message | null> {
  if (e.providerMessageId) {
    const [m] = await db
      .select()
      .from(messages)
      .where(and(eq(messages.providerId, provider.id), eq(messages.providerMessageId, e.providerMessageId)));
    if (m) return m;
  }
  if (e.messageId && /^[0-9a-f-]{36}$/i.test(e.messageId)) {
    const [m] = await db
      .select()
      .from(messages)
      .where(and(eq(messages.id, e.messageId), eq(messages.orgId, provider.orgId)));
    if (m) return m;
  }
  return null;
}

/**
 * Stores each event raw once (unique per provider and event id) and applies it
 * in the same transaction: status changes only move forward (a late `sent`
 * never overwrites `delivered`), engagement events are added to the timeline,
 * bounces and complaints suppress the address. Returns how many were new.
 */
export async function ingestProviderEvents(
  provider: Provider,
  source: string,
  events: { event: ProviderEvent; raw: unknown }[],
): Promise<{ stored: number; duplicates: number }> {
  const db = await getDb();
  let stored = 0;
  for (const { event, raw } of events) {
    const applied = await db.transaction(async (tx) => {
      const message = await findMessage(tx, provider, event);
      const [row] = await tx
        .insert(webhookEvents)
        .values({
          orgId: provider.orgId,
          providerId: provider.id,
          source,
          eventId: event.eventId,
          type: event.type,
          messageId: message?.id ?? null,
          payload: raw as object,
          processedAt: new Date(),
        })
        .onConflictDoNothing()
        .returning({ id: webhookEvents.id });
      if (!row) return false;
      if (message) await applyToMessage(tx, message, event);
      if (event.suppress) {
        await suppress(tx, {
          orgId: provider.orgId,
          address: event.suppress.address,
          reason: event.suppress.reason,
          providerId: provider.id,
          webhookEventId: row.id,
          detail: event.suppress.detail ?? null,
        });
      }
      return true;
    });
    if (applied) stored++;
  }
  return { stored, duplicates: events.length - stored };
}

async function applyToMessage(tx: Executor, m: Message, e: ProviderEvent): Promise<void> {
  const at = e.at ?? new Date();
  if (e.status && RANK[e.status] > RANK[m.status]) {
    // Conditional on the status read, so two events racing cannot move it backwards.
    const moved = await tx
      .update(messages)
      .set({
        status: e.status,
        ...(e.status === "delivered" ? { deliveredAt: at } : {}),
        ...(e.status === "sent" && !m.sentAt ? { sentAt: at } : {}),
        ...(e.error ? { error: e.error } : {}),
        ...(e.cost ? { cost: e.cost.amount, currency: e.cost.currency } : {}),
      })
      .where(and(eq(messages.id, m.id), sql`${messages.status} = ${m.status}`))
      .returning({ id: messages.id });
    if (moved.length)
      await addMessageEvent(tx, m.orgId, m.id, e.status, {
        provider_event: e.type,
        ...(e.error ? { error: e.error } : {}),
        ...(e.data ?? {}),
      });
  } else if (e.status && e.status !== "sent") {
    // A provider's "sent"/"processed" after our own sent is routine; other late statuses are worth seeing.
    await addMessageEvent(tx, m.orgId, m.id, `late_${e.status}`, { provider_event: e.type, ignored: true });
  } else if (e.cost) {
    await tx
      .update(messages)
      .set({ cost: e.cost.amount, currency: e.cost.currency })
      .where(eq(messages.id, m.id));
  }
  if (e.engagement)
    await addMessageEvent(tx, m.orgId, m.id, e.engagement, { provider_event: e.type, ...(e.data ?? {}) });
}
