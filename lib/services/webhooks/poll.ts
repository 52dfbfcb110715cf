import { and, eq, gte, inArray, lte, or } from "drizzle-orm";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { messages, providers } from "@/lib/db/schema";
import { log } from "@/lib/logger";
import { adapterFor, pollableTypes } from "@/lib/providers/registry";
import type { SmsAdapter } from "@/lib/providers/types";
import { providerCredentials } from "@/lib/services/providers/providers";
import { ingestProviderEvents } from "./ingest";

/**
 * Asks providers that offer a status lookup about messages still `sent` or
 * `sending` past DELIVERY_POLL_AFTER_MINUTES (and under three days old), so a
 * missed webhook heals. Results go through the same idempotent ingestion as
 * webhooks.
 */
export async function pollStuckMessages(
  now = new Date(),
  batch = 200,
): Promise<{ checked: number; updated: number }> {
  const db = await getDb();
  const olderThan = new Date(now.getTime() - config().deliveryPollAfterMinutes * 60_000);
  const notBefore = new Date(now.getTime() - 3 * 24 * 3600_000);
  const pollable = pollableTypes();
  if (pollable.length === 0) return { checked: 0, updated: 0 };
  const rows = await db
    .select({ message: messages, provider: providers })
    .from(messages)
    .innerJoin(providers, eq(providers.id, messages.providerId))
    .where(
      and(
        eq(messages.direction, "outbound"),
        or(eq(messages.status, "sent"), eq(messages.status, "sending")),
        lte(messages.updatedAt, olderThan),
        gte(messages.createdAt, notBefore),
        inArray(providers.type, pollable),
      ),
    )
    .limit(batch);
  let updated = 0;
  for (const { message, provider } of rows) {
    const adapter = adapterFor(provider.type) as SmsAdapter;
    if (!adapter.fetchStatus || !message.providerMessageId) continue;
    try {
      const config = adapter.configSchema.parse(provider.config);
      const credentials = adapter.credentialsSchema.parse(providerCredentials(provider));
      const found = await adapter.fetchStatus(
        { config, credentials, sender: provider.sender },
        message.providerMessageId,
      );
      const result = await ingestProviderEvents(provider, provider.type, [
        {
          event: {
            eventId: `poll:${message.providerMessageId}:${found.providerStatus}`,
            type: `poll.${found.providerStatus}`,
            providerMessageId: message.providerMessageId,
            status: found.status ?? undefined,
            cost: found.cost ?? null,
            error: found.error ?? null,
            data: { via: "status_poll" },
          },
          raw: found,
        },
      ]);
      updated += result.stored;
      // Touch the row so it is not looked up again at the next run.
      await db.update(messages).set({ updatedAt: now }).where(eq(messages.id, message.id));
    } catch (e) {
      log.warn("delivery status lookup failed", {
        messageId: message.id,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }
  return { checked: rows.length, updated };
}
