import { sql } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { ROLLUP_STATUS_COLUMNS } from "@/lib/db/schema";
import { rowsOf } from "@/lib/jobs/runner";
import { money } from "@/lib/services/budgets/period";
import type { Ctx } from "@/lib/services/context";
import { dayRange, histogramSums, inRange, percentile, rate } from "./range";

/** Messages that reached a provider and have an outcome or are on their way. */
const ATTEMPTED = sql`(r.sent + r.delivered + r.failed + r.undelivered + r.bounced)`;
const FAILED = sql`(r.failed + r.undelivered + r.bounced)`;
const AGG = sql`coalesce(sum(r.messages), 0)::int as total, coalesce(sum(r.delivered), 0)::int as delivered,
  coalesce(sum(${FAILED}), 0)::int as failed, coalesce(sum(${ATTEMPTED}), 0)::int as attempted,
  coalesce(sum(r.delivered_count), 0)::int as delivered_count,
  coalesce(sum(r.delivery_seconds_sum), 0)::text as delivery_s`;

type Agg = {
  total: number;
  delivered: number;
  failed: number;
  attempted: number;
  delivered_count: number;
  delivery_s: string;
};

const avg = (a: Agg) =>
  a.delivered_count > 0 ? Number((Number(a.delivery_s) / a.delivered_count).toFixed(3)) : null;
const shape = (a: Agg) => ({
  total: Number(a.total),
  delivered: Number(a.delivered),
  failed: Number(a.failed),
  delivery_rate: rate(Number(a.delivered), Number(a.attempted)),
  avg_delivery_s: avg(a),
});

/** GET /delivery/metrics: delivered/failed and time to delivered over a date range, from the rollups. */
export async function deliveryMetrics({
  ctx,
  input,
  now,
}: {
  ctx: Ctx;
  input: { start_date?: string; end_date?: string };
  now?: Date;
}) {
  requirePermission(ctx, "dashboards:read");
  const db = await getDb();
  const { start, end, from, until } = dayRange(input, now);
  const where = inRange(ctx.orgId, from, until);
  // One pass over the range's rollup rows for every breakdown (grouping sets), names from the providers table.
  const day = sql.raw(`to_char(r.hour at time zone 'UTC', 'YYYY-MM-DD')`);
  const cells = rowsOf<
    Agg & Record<string, unknown> & { dim: string; key: string | null; ptype: string | null }
  >(
    await db.execute(sql`
      select case when grouping(r.provider_id) = 0 then 'provider' when grouping(r.channel) = 0 then 'channel'
          when grouping(${day}) = 0 then 'day' else 'all' end as dim,
        coalesce(r.provider_id::text, r.channel, ${day}) as key, max(r.provider_type) as ptype,
        ${AGG}, ${histogramSums}
      from message_rollups r where ${where}
      group by grouping sets ((), (r.provider_id), (r.channel), (${day}))`),
  );
  const names = new Map(
    rowsOf<{ id: string; name: string }>(
      await db.execute(sql`select id::text as id, name from providers where org_id = ${ctx.orgId}::uuid`),
    ).map((p) => [p.id, p.name]),
  );
  const of = (dim: string) => cells.filter((c) => c.dim === dim);
  const all = of("all")[0];
  const byProvider = of("provider")
    .map((r) => ({ ...r, key: String(r.key), label: names.get(String(r.key)) ?? r.ptype ?? "No provider" }))
    .sort((x, y) => Number(y.total) - Number(x.total));
  const byChannel = of("channel")
    .map((r) => ({ ...r, key: String(r.key) }))
    .sort((x, y) => x.key.localeCompare(y.key));
  const byDay = of("day")
    .map((r) => ({ ...r, date: String(r.key) }))
    .sort((x, y) => x.date.localeCompare(y.date));
  const a: Agg & Record<string, unknown> = all ?? {
    total: 0,
    delivered: 0,
    failed: 0,
    attempted: 0,
    delivered_count: 0,
    delivery_s: "0",
  };
  return {
    start_date: start,
    end_date: end,
    ...shape(a),
    p50_delivery_s: percentile(a, 0.5),
    p95_delivery_s: percentile(a, 0.95),
    by_provider: byProvider.map((r) => ({ key: r.key, label: r.label, ...shape(r) })),
    by_channel: byChannel.map((r) => ({ key: r.key, label: r.key, ...shape(r) })),
    by_day: byDay.map((r) => {
      const s = shape(r);
      return {
        date: r.date,
        total: s.total,
        delivered: s.delivered,
        failed: s.failed,
        delivery_rate: s.delivery_rate,
      };
    }),
  };
}

/** GET /stats: per channel and status counts for today, the last 7 and the last 30 days (UTC hours), from the rollups. */
export async function stats({ ctx, now = new Date() }: { ctx: Ctx; now?: Date }) {
  requirePermission(ctx, "dashboards:read");
  const db = await getDb();
  const today = new Date(`${now.toISOString().slice(0, 10)}T00:00:00Z`);
  const windows = {
    today,
    last_7_days: new Date(today.getTime() - 6 * 86_400_000),
    last_30_days: new Date(today.getTime() - 29 * 86_400_000),
  };
  const until = new Date(today.getTime() + 86_400_000);
  const out: Record<string, { email: Record<string, number>; sms: Record<string, number>; total: number }> =
    {};
  // One pass, 8 sums per (channel, band): band 0 is today, 1 the rest of the 7 days, 2 the rest of the 30;
  // the windows nest, so each adds up the bands up to its own.
  const rows = rowsOf<Record<string, string | number>>(
    await db.execute(sql`
      select r.channel, case when r.hour >= ${windows.today.toISOString()}::timestamptz then 0
          when r.hour >= ${windows.last_7_days.toISOString()}::timestamptz then 1 else 2 end as band,
        ${sql.raw(ROLLUP_STATUS_COLUMNS.map((c) => `coalesce(sum(r.${c}), 0)::int as ${c}`).join(", "))}
      from message_rollups r where ${inRange(ctx.orgId, windows.last_30_days, until)}
      group by 1, 2`),
  );
  const bands = { today: 0, last_7_days: 1, last_30_days: 2 } as const;
  for (const w of Object.keys(windows) as (keyof typeof bands)[]) {
    const entry = { email: {} as Record<string, number>, sms: {} as Record<string, number>, total: 0 };
    for (const ch of ["email", "sms"] as const) {
      const mine = rows.filter((r) => r.channel === ch && Number(r.band) <= bands[w]);
      for (const c of ROLLUP_STATUS_COLUMNS) {
        const n = mine.reduce((sum, r) => sum + Number(r[c] ?? 0), 0);
        entry[ch][c] = n;
        entry.total += n;
      }
    }
    out[w] = entry;
  }
  return out as Record<"today" | "last_7_days" | "last_30_days", (typeof out)[string]>;
}

/** GET /providers/compare: cost per delivered, delivery rate, p50/p95, error mix and failover share per provider. */
export async function compareProviders({
  ctx,
  days,
  now = new Date(),
}: {
  ctx: Ctx;
  days: number;
  now?: Date;
}) {
  requirePermission(ctx, "dashboards:read");
  const db = await getDb();
  const until = new Date(Math.ceil(now.getTime() / 3600_000) * 3600_000);
  const from = new Date(until.getTime() - days * 86_400_000);
  const rows = rowsOf<Agg & Record<string, unknown>>(
    await db.execute(sql`
      select p.id::text as provider_id, p.name, p.type::text as type, p.channel::text as channel, ${AGG},
        coalesce(sum(r.failed), 0)::int as f_failed, coalesce(sum(r.undelivered), 0)::int as f_undelivered,
        coalesce(sum(r.bounced), 0)::int as f_bounced, coalesce(sum(r.failed_over), 0)::int as failed_over,
        coalesce(sum(r.estimated_cost + r.provider_cost + r.attempt_cost), 0)::text as cost,
        max(r.currency) filter (where r.currency <> '') as currency, max(p.currency) as provider_currency,
        ${histogramSums}
      from providers p
      left join message_rollups r on r.provider_id = p.id and ${inRange(ctx.orgId, from, until)}
      where p.org_id = ${ctx.orgId}::uuid
      group by p.id order by p.channel, p.priority`),
  );
  return {
    days,
    data: rows.map((r) => {
      const delivered = Number(r.delivered);
      const cost = money(r.cost as string);
      const total = Number(r.total);
      return {
        provider_id: String(r.provider_id),
        name: String(r.name),
        type: String(r.type),
        channel: String(r.channel),
        messages: total,
        delivered,
        delivery_rate: rate(delivered, Number(r.attempted)),
        failed: Number(r.failed),
        cost,
        currency: (r.currency as string | null) ?? (r.provider_currency as string | null) ?? null,
        cost_per_delivered: delivered > 0 ? Number((cost / delivered).toFixed(6)) : null,
        p50_delivery_s: percentile(r, 0.5),
        p95_delivery_s: percentile(r, 0.95),
        failover_share: rate(Number(r.failed_over), total),
        error_mix: {
          failed: Number(r.f_failed),
          undelivered: Number(r.f_undelivered),
          bounced: Number(r.f_bounced),
        },
      };
    }),
  };
}

/** GET /delivery/real-time: the latest status changes (message events joined to their messages), newest first. */
export async function realTime({ ctx, limit }: { ctx: Ctx; limit: number }) {
  requirePermission(ctx, "dashboards:read");
  const db = await getDb();
  const rows = rowsOf<{
    message_id: string;
    type: string;
    at: string | Date;
    channel: string;
    to: string;
    status: string;
    provider_type: string | null;
    error: string | null;
  }>(
    await db.execute(sql`
      select e.message_id, e.type, e.at, m.channel::text as channel, m."to", m.status::text as status,
        m.provider_type::text as provider_type, m.error
      from message_events e join messages m on m.id = e.message_id
      where e.org_id = ${ctx.orgId}::uuid
      order by e.at desc limit ${limit}`),
  );
  return {
    data: rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
  };
}
