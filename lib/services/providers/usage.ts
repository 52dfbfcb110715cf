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

/**
 * Reserves up to `n` sends against the provider's daily limit in one
 * conditional UPDATE (the row is locked, so instances never over-grant);
 * answers how many were granted (0 at the limit).
 */
export async function reserveDailySends(
  db: Executor,
  provider: Provider,
  n: number,
  now = new Date(),
): Promise<number> {
  if (n <= 0) return 0;
  const day = utcDay(now);
  if (provider.dailyLimit === null) {
    await db
      .insert(providerDailyUsage)
      .values({ providerId: provider.id, day, sent: n })
      .onConflictDoUpdate({
        target: [providerDailyUsage.providerId, providerDailyUsage.day],
        set: { sent: sql`${providerDailyUsage.sent} + ${n}` },
      });
    return n;
  }
  await db.insert(providerDailyUsage).values({ providerId: provider.id, day, sent: 0 }).onConflictDoNothing();
  const result = await db.execute(sql`
    update provider_daily_usage u
    set sent = least(u.sent + ${n}, ${provider.dailyLimit}::int)
    from (
      select provider_id, day, sent from provider_daily_usage
      where provider_id = ${provider.id} and day = ${day}
      for update
    ) old
    where u.provider_id = old.provider_id and u.day = old.day and old.sent < ${provider.dailyLimit}::int
    returning (u.sent - old.sent)::int as granted`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
    granted: number;
  }[];
  return Math.max(0, Number(rows[0]?.granted ?? 0));
}

/** Gives back `n` reservations that were not used. */
export async function releaseDailySends(
  db: Executor,
  providerId: string,
  n: number,
  now = new Date(),
): Promise<void> {
  if (n <= 0) return;
  await db
    .update(providerDailyUsage)
    .set({ sent: sql`greatest(${providerDailyUsage.sent} - ${n}, 0)` })
    .where(and(eq(providerDailyUsage.providerId, providerId), eq(providerDailyUsage.day, utcDay(now))));
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
