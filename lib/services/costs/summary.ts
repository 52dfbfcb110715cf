import { sql } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { rowsOf } from "@/lib/jobs/runner";
import { money } from "@/lib/services/budgets/period";
import type { Ctx } from "@/lib/services/context";
import { dayRange, inRange } from "@/lib/services/stats/range";
import type { CostSummaryQuery } from "@/lib/validation/costs";

const COST = sql`(r.estimated_cost + r.provider_cost + r.attempt_cost)`;

/** The currency of totals with nothing priced in range: the first provider's, else USD. */
async function providerCurrency(ctx: Ctx): Promise<string> {
  const db = await getDb();
  const [p] = rowsOf<{ currency: string }>(
    await db.execute(
      sql`select currency from providers where org_id = ${ctx.orgId}::uuid order by priority limit 1`,
    ),
  );
  return p?.currency ?? "USD";
}

/**
 * Each grouping: its key over rollup rows `r`, and its label over the grouped
 * rows `x` — names are joined after summing, once per group, not once per rollup row.
 */
const GROUP: Record<
  CostSummaryQuery["group_by"],
  { key: ReturnType<typeof sql>; label: ReturnType<typeof sql>; join: ReturnType<typeof sql> }
> = {
  day: { key: sql`to_char(r.hour at time zone 'UTC', 'YYYY-MM-DD')`, label: sql`x.key`, join: sql`` },
  channel: { key: sql`r.channel`, label: sql`x.key`, join: sql`` },
  category: { key: sql`r.category`, label: sql`x.key`, join: sql`` },
  provider: {
    key: sql`r.provider_id::text`,
    label: sql`coalesce(p.name, x.ptype, 'No provider')`,
    join: sql`left join providers p on p.id = x.key::uuid`,
  },
  template: {
    key: sql`r.template_id::text`,
    label: sql`coalesce(tp.name, 'No template')`,
    join: sql`left join templates tp on tp.id = x.key::uuid`,
  },
  campaign: {
    key: sql`r.campaign_id::text`,
    label: sql`coalesce(c.name, 'No campaign')`,
    join: sql`left join campaigns c on c.id = x.key::uuid`,
  },
};

/**
 * GET /costs/summary: totals and groups for an inclusive UTC date range, read
 * from the hourly rollups and summed as numeric in SQL (SPEC §8).
 */
export async function costSummary({ ctx, input, now }: { ctx: Ctx; input: CostSummaryQuery; now?: Date }) {
  requirePermission(ctx, "dashboards:read");
  const db = await getDb();
  const { start, end, from, until } = dayRange(input, now);
  const only = sql`${input.channel ? sql` and r.channel = ${input.channel}` : sql``}${input.category ? sql` and r.category = ${input.category}` : sql``}`;
  const g = GROUP[input.group_by];
  const day = sql`to_char(r.hour at time zone 'UTC', 'YYYY-MM-DD')`;
  const sums = sql`sum(messages) as messages, sum(segments) as segments, sum(estimated) as estimated,
    sum(provider) as provider, sum(cost) as cost`;
  // One pass over the range's rollup rows into (currency, key, day) cells; the main currency, totals, groups,
  // series and other currencies are all summed (as numeric) from those cells in the same statement.
  const rows = rowsOf<{
    dim: "total" | "group" | "series" | "other" | "main";
    date: string | null;
    key: string | null;
    label: string | null;
    messages: string | null;
    segments: string | null;
    estimated: string | null;
    provider: string | null;
    cost: string | null;
    currency: string | null;
  }>(
    await db.execute(sql`
      with agg as (
        select r.currency, ${g.key} as key, ${day} as date, max(r.provider_type) as ptype,
          sum(r.messages) as messages, sum(r.segments) as segments, sum(r.estimated_cost) as estimated,
          sum(r.provider_cost + r.attempt_cost) as provider, sum(${COST}) as cost
        from message_rollups r where ${inRange(ctx.orgId, from, until)}${only}
        group by 1, 2, 3),
      main as (select currency from agg where currency <> '' group by 1 order by sum(messages) desc, 1 limit 1),
      mine as (select * from agg where currency = '' or currency = (select currency from main)),
      cells as (
        select 'total' as dim, null::text as date, null::text as key, null::text as ptype, ${sums},
          null::text as currency from mine
        union all
        select 'group', null, key, max(ptype), ${sums}, null from mine group by key
        ${
          input.group_by === "day"
            ? sql``
            : sql`union all select 'series', date, key, max(ptype), ${sums}, null from mine group by date, key`
        }
        union all
        select 'other', null, null, null, ${sums}, currency from agg
        where currency <> '' and currency <> coalesce((select currency from main), '') group by currency
        union all
        select 'main', null, null, null, null, null, null, null, null, (select currency from main))
      select x.dim, x.date, x.key, case when x.dim in ('group', 'series') then ${g.label} end as label,
        x.messages::text, x.segments::text, x.estimated::text, x.provider::text, x.cost::text, x.currency
      from cells x ${g.join}`),
  );
  const currency = rows.find((r) => r.dim === "main")?.currency ?? (await providerCurrency(ctx));
  const t = rows.find((r) => r.dim === "total");
  const groups = rows
    .filter((r) => r.dim === "group")
    .sort((x, y) =>
      input.group_by === "day"
        ? String(x.key).localeCompare(String(y.key))
        : Number(y.cost) - Number(x.cost) || String(x.key).localeCompare(String(y.key)),
    )
    .map((r) => ({
      key: String(r.key),
      label: String(r.label),
      messages: r.messages,
      segments: r.segments,
      cost: r.cost,
    }));
  const series = rows
    .filter((r) => r.dim === "series")
    .sort(
      (x, y) => String(x.date).localeCompare(String(y.date)) || String(x.key).localeCompare(String(y.key)),
    )
    .map((r) => ({
      date: String(r.date),
      key: String(r.key),
      label: String(r.label),
      cost: r.cost,
      messages: r.messages,
    }));
  const others = rows
    .filter((r) => r.dim === "other")
    .map((r) => ({ currency: String(r.currency), total: r.cost }))
    .sort((x, y) => x.currency.localeCompare(y.currency));
  return {
    currency,
    start_date: start,
    end_date: end,
    total: money(t?.cost),
    estimated_total: money(t?.estimated),
    provider_total: money(t?.provider),
    messages: Number(t?.messages ?? 0),
    segments: Number(t?.segments ?? 0),
    groups: groups.map((r) => ({
      key: r.key,
      label: r.label,
      messages: Number(r.messages),
      segments: Number(r.segments),
      cost: money(r.cost),
    })),
    series: series.map((r) => ({
      date: r.date,
      key: r.key,
      label: r.label,
      cost: money(r.cost),
      messages: Number(r.messages),
    })),
    other_currencies: others.map((o) => ({ currency: o.currency, total: money(o.total) })),
  };
}
