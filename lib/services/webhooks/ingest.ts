import { and, eq, sql } from "drizzle-orm";
import { type Executor, getDb } from "@/lib/db";
import {
  type Message,
  type MessageStatus,
  messages,
  type Provider,
  providers,
  webhookEvents,
  webhookNonces,
} from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import type { ProviderEvent } from "@/lib/providers/webhook";
import { invalidSignatureError } from "@/lib/providers/webhook-body";
import { suppress } from "@/lib/services/consent/suppressions";
import { addMessageEvent } from "@/lib/services/messages/events";

export type { ProviderEvent };

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
      if (event.nonce) await claimNonce(tx, provider, event.nonce, event.eventId);
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

/**
 * Records a signature's single-use value for this event. Already used for the
 * same event: a retry, left to the event's own deduplication. Used for another
 * event: a replayed signature carrying a forged event, refused (401). The
 * unique key decides between concurrent requests: the losers wait for the
 * winner's commit and then see its row.
 */
async function claimNonce(tx: Executor, provider: Provider, nonce: string, eventId: string): Promise<void> {
  const [claimed] = await tx
    .insert(webhookNonces)
    .values({ orgId: provider.orgId, providerId: provider.id, nonce, eventId })
    .onConflictDoNothing()
    .returning({ id: webhookNonces.id });
  if (claimed) return;
  const [first] = await tx
    .select({ eventId: webhookNonces.eventId })
    .from(webhookNonces)
    .where(and(eq(webhookNonces.providerId, provider.id), eq(webhookNonces.nonce, nonce)));
  if (first?.eventId !== eventId) throw invalidSignatureError("The signature token was already used");
}

async function applyToMessage(tx: Executor, m: Message, e: ProviderEvent): Promise<void> {
  const at = e.at ?? new Date();
  let priced = false;
  if (e.status && RANK[e.status] > RANK[m.status]) {
    // Conditional on the status read, so two events racing cannot move it backwards.
    const moved = await tx
      .update(messages)
      .set({
        status: e.status,
        ...(e.status === "delivered" ? { deliveredAt: at } : {}),
        ...(e.status === "sent" && !m.sentAt ? { sentAt: at } : {}),
        ...(e.error ? { error: e.error } : {}),
        ...(e.cost
          ? { cost: e.cost.amount, currency: e.cost.currency, costSource: "provider" as const }
          : {}),
      })
      .where(and(eq(messages.id, m.id), sql`${messages.status} = ${m.status}`))
      .returning({ id: messages.id });
    priced = moved.length > 0;
    if (moved.length)
      await addMessageEvent(tx, m.orgId, m.id, e.status, {
        provider_event: e.type,
        ...(e.error ? { error: e.error } : {}),
        ...(e.data ?? {}),
      });
  } else if (e.status && e.status !== "sent") {
    // A provider's "sent"/"processed" after our own sent is routine; other late statuses are worth seeing.
    await addMessageEvent(tx, m.orgId, m.id, `late_${e.status}`, { provider_event: e.type, ignored: true });
  }
  // A price replaces the estimate whenever it comes, even on an event whose status is stale.
  if (e.cost && !priced) {
    await tx
      .update(messages)
      .set({ cost: e.cost.amount, currency: e.cost.currency, costSource: "provider" })
      .where(eq(messages.id, m.id));
  }
  if (e.engagement)
    await addMessageEvent(tx, m.orgId, m.id, e.engagement, { provider_event: e.type, ...(e.data ?? {}) });
}
