import { and, eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { type Provider, providerDailyUsage } from "@/lib/db/schema";

export const utcDay = (d = new Date()) => d.toISOString().slice(0, 10);

/**
 * Reserves one send against the provider's daily limit, atomically across
 * instances. False when the provider is at its limit.
 */
export async function reserveDailySend(db: Executor, provider: Provider, now = new Date()): Promise<boolean> {
  const rows = await db
    .insert(providerDailyUsage)
    .values({ providerId: provider.id, day: utcDay(now), sent: 1 })
    .onConflictDoUpdate({
      target: [providerDailyUsage.providerId, providerDailyUsage.day],
      set: { sent: sql`${providerDailyUsage.sent} + 1` },
      ...(provider.dailyLimit === null
        ? {}
        : { setWhere: sql`${providerDailyUsage.sent} < ${provider.dailyLimit}` }),
    })
    .returning({ sent: providerDailyUsage.sent });
  const sent = rows[0]?.sent;
  return sent !== undefined && (provider.dailyLimit === null || sent <= provider.dailyLimit);
}

/** Gives back a reservation whose send failed. */
export async function releaseDailySend(db: Executor, providerId: string, now = new Date()): Promise<void> {
  await db
    .update(providerDailyUsage)
    .set({ sent: sql`greatest(${providerDailyUsage.sent} - 1, 0)` })
    .where(and(eq(providerDailyUsage.providerId, providerId), eq(providerDailyUsage.day, utcDay(now))));
}

/** Sends handed to each provider today (UTC). */
export async function sentToday(
  db: Executor,
  providerIds: string[],
  now = new Date(),
): Promise<Map<string, number>> {
  if (providerIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(providerDailyUsage)
    .where(and(inArray(providerDailyUsage.providerId, providerIds), eq(providerDailyUsage.day, utcDay(now))));
  return new Map(rows.map((r) => [r.providerId, r.sent]));
}
