import { and, eq, gte, inArray, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { messages, providers } from "@/lib/db/schema";
import { log } from "@/lib/logger";
import { adapterFor, pollableTypes } from "@/lib/providers/registry";
import type { SmsAdapter } from "@/lib/providers/types";
import { providerCredentials } from "@/lib/services/providers/providers";
import { ingestProviderEvents } from "@/lib/services/webhooks/ingest";

const FINAL = ["delivered", "undelivered", "failed"] as const;
/** Ask again this long after a lookup that found no price yet. */
const RETRY_AFTER_MS = 10 * 60_000;
/** Give up after this: a price that has not appeared in three days will not. */
const GIVE_UP_AFTER_MS = 3 * 24 * 3600_000;

/**
 * Fetches the real price of messages in a final status whose cost is still
 * the estimate, from providers whose adapter can look a message up (Twilio's
 * Message resource: status callbacks carry no price, and it can stay null for
 * a while after delivery). A price found goes through the same idempotent
 * ingestion as a webhook and replaces the estimate (`cost_source: provider`);
 * none yet, and the message is asked about again later.
 */
export async function fetchPendingPrices(
  now = new Date(),
  batch = 200,
): Promise<{ checked: number; priced: number }> {
  const types = pollableTypes();
  if (types.length === 0) return { checked: 0, priced: 0 };
  const db = await getDb();
  const retryBefore = new Date(now.getTime() - RETRY_AFTER_MS);
  const rows = await db
    .select({ message: messages, provider: providers })
    .from(messages)
    .innerJoin(providers, eq(providers.id, messages.providerId))
    .where(
      and(
        eq(messages.costSource, "estimate"),
        inArray(messages.status, [...FINAL]),
        isNotNull(messages.providerMessageId),
        inArray(providers.type, types),
        gte(messages.createdAt, new Date(now.getTime() - GIVE_UP_AFTER_MS)),
        or(isNull(messages.priceCheckedAt), lte(messages.priceCheckedAt, retryBefore)),
      ),
    )
    .orderBy(sql`${messages.priceCheckedAt} nulls first`, messages.createdAt)
    .limit(batch);
  let priced = 0;
  for (const { message, provider } of rows) {
    const adapter = adapterFor(provider.type) as SmsAdapter;
    const sid = message.providerMessageId;
    if (!adapter.fetchStatus || !sid) continue;
    try {
      const found = await adapter.fetchStatus(
        {
          config: adapter.configSchema.parse(provider.config),
          credentials: adapter.credentialsSchema.parse(providerCredentials(provider)),
          sender: provider.sender,
        },
        sid,
      );
      if (found.cost) {
        await ingestProviderEvents(provider, provider.type, [
          {
            event: {
              eventId: `price:${sid}`,
              type: "price.lookup",
              providerMessageId: sid,
              cost: found.cost,
              data: { via: "price_lookup" },
            },
            raw: { provider_status: found.providerStatus, price: found.cost },
          },
        ]);
        priced++;
      }
    } catch (e) {
      log.warn("price lookup failed", {
        messageId: message.id,
        error: e instanceof Error ? e.message : String(e),
      });
    }
    // Not a change of the message: keep updated_at, so the rollups are not recomputed for nothing.
    await db
      .update(messages)
      .set({ priceCheckedAt: now, updatedAt: sql`${messages.updatedAt}` })
      .where(eq(messages.id, message.id));
  }
  return { checked: rows.length, priced };
}
