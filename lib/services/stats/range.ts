import { sql } from "drizzle-orm";
import { DELIVERY_BUCKETS_S } from "@/lib/db/schema";

/** An inclusive UTC date range as hour bounds; defaults: the current month up to today. */
export function dayRange(q: { start_date?: string; end_date?: string }, now = new Date()) {
  const today = now.toISOString().slice(0, 10);
  const monthStart = `${today.slice(0, 8)}01`;
  const start = q.start_date ?? (q.end_date && q.end_date < monthStart ? q.end_date : monthStart);
  const end = q.end_date ?? today;
  const from = new Date(`${start}T00:00:00Z`);
  const until = new Date(new Date(`${end}T00:00:00Z`).getTime() + 86_400_000);
  return { start, end, from, until };
}

export const inRange = (orgId: string, from: Date, until: Date) =>
  sql`r.org_id = ${orgId}::uuid and r.hour >= ${from.toISOString()}::timestamptz and r.hour < ${until.toISOString()}::timestamptz`;

/** The histogram columns summed, as SQL selecting h0 … h11. */
export const histogramSums = sql.raw(
  Array.from(
    { length: DELIVERY_BUCKETS_S.length + 1 },
    (_, i) => `coalesce(sum(r.d${i}), 0)::int as h${i}`,
  ).join(", "),
);

/** A percentile (0–1) read from bucket counts: the upper bound of the bucket it falls in (null without deliveries). */
export function percentile(row: Record<string, unknown>, p: number): number | null {
  const counts = Array.from({ length: DELIVERY_BUCKETS_S.length + 1 }, (_, i) => Number(row[`h${i}`] ?? 0));
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.ceil(p * total);
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i] ?? 0;
    if (seen >= rank) {
      const upper = DELIVERY_BUCKETS_S[i];
      // Past the last bound: report it as "more than" the last bound, the best the histogram knows.
      return upper ?? DELIVERY_BUCKETS_S[DELIVERY_BUCKETS_S.length - 1] ?? null;
    }
  }
  return null;
}

export const rate = (num: number, den: number) => (den > 0 ? Number((num / den).toFixed(4)) : 0);

const HOUR = 3600_000;
/** The start of the UTC hour holding `d` (the rollups' grain). */
export const floorHour = (d: Date) => new Date(Math.floor(d.getTime() / HOUR) * HOUR);
/** The end of the UTC hour holding `d` (`d` itself when on the hour). */
export const ceilHour = (d: Date) => new Date(Math.ceil(d.getTime() / HOUR) * HOUR);
