import { sql } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { NO_ID, ROLLUP_STATUS_COLUMNS } from "@/lib/db/schema";
import { ROLLUP_COST } from "@/lib/services/budgets/spend";
import { freshenRollups } from "@/lib/services/rollups/refresh";
import { ceilHour, floorHour } from "@/lib/services/stats/range";
import type { Range } from "./sources";
import { day, formatAmount, money, moneySum, queryRows } from "./stream";

export interface PeriodFigures {
  since: string;
  until: string;
  messages: { total: number; by_status: Record<string, number> };
  delivered: number;
  attempted: number;
  delivery_rate: number | null;
  opt_outs: number;
  opt_out_rate: number | null;
  cost: number;
}

export interface ProviderFigures {
  provider_id: string | null;
  name: string;
  type: string | null;
  channel: string | null;
  messages: number;
  delivered: number;
  failed: number;
  delivery_rate: number | null;
  cost: number;
  currency: string | null;
}

export interface TemplateFigures {
  template_id: string;
  name: string;
  messages: number;
  delivered: number;
  delivery_rate: number | null;
}

export interface SummaryAggregates {
  current: PeriodFigures;
  previous: PeriodFigures;
  days: { date: string; messages: number; delivered: number; failed: number; cost: number }[];
  topTemplates: TemplateFigures[];
  providers: ProviderFigures[];
  previousProviders: ProviderFigures[];
}

const rate = (n: number, d: number) => (d > 0 ? Number((n / d).toFixed(4)) : null);

interface Cell {
  period: string;
  dim: string;
  key: string | null;
  messages: number;
  delivered: number;
  failed: number;
  attempted: number;
  cost: string;
}

/**
 * Every figure of the executive summary for a range and the period of equal
 * length before it, read from the hourly rollups (never a scan of messages):
 * one grouping-sets query by day, template and provider, one for the status
 * counts and money per period. Bounds are whole UTC hours, the rollups' grain:
 * `since` rounds down, `until` up (so the current hour counts).
 */
export async function summaryAggregates(orgId: string, range: Range): Promise<SummaryAggregates> {
  const db = await getDb();
  // Fold in what changed since the last minute's refresh, as the dashboard does; a busy refresh is skipped.
  await freshenRollups(db, "summary report");
  const length = range.until.getTime() - range.since.getTime();
  const prevSince = new Date(range.since.getTime() - length);
  const since = floorHour(range.since).toISOString();
  const from = floorHour(prevSince).toISOString();
  const until = ceilHour(range.until).toISOString();
  // Literal text (an ISO instant we formatted), so the select and GROUP BY share one expression.
  const periodOf = sql.raw(`case when r.hour >= '${since}'::timestamptz then 'cur' else 'prev' end`);
  const where = sql`r.org_id = ${orgId}::uuid and r.hour >= ${from}::timestamptz and r.hour < ${until}::timestamptz`;
  const dayOf = day("r.hour");
  const cells = await queryRows<Cell>(
    db,
    sql`select ${periodOf} as period,
        case when grouping(${dayOf}) = 0 then 'day' when grouping(r.template_id) = 0 then 'template'
             else 'provider' end as dim,
        coalesce(${dayOf}, r.template_id::text, r.provider_id::text) as key,
        sum(r.messages)::int as messages, sum(r.delivered)::int as delivered,
        sum(r.failed + r.undelivered + r.bounced)::int as failed,
        sum(r.sent + r.delivered + r.failed + r.undelivered + r.bounced)::int as attempted,
        ${moneySum(ROLLUP_COST)} as cost
      from message_rollups r
      where ${where}
      group by grouping sets ((${periodOf}, ${dayOf}), (${periodOf}, r.template_id), (${periodOf}, r.provider_id))`,
  );
  // Status counts and money per period, summed in SQL (not by adding cells in JavaScript).
  const totals = await queryRows<Record<string, string | number>>(
    db,
    sql`select ${periodOf} as period,
        ${sql.raw(ROLLUP_STATUS_COLUMNS.map((c) => `sum(r.${c})::int as ${c}`).join(", "))},
        ${moneySum(ROLLUP_COST)} as cost
      from message_rollups r where ${where} group by 1`,
  );
  const optOuts = await queryRows<{ period: string; n: number }>(
    db,
    sql`select case when o.created_at >= ${since}::timestamptz then 'cur' else 'prev' end as period, count(*)::int as n
      from opt_outs o
      where o.org_id = ${orgId}::uuid and o.created_at >= ${from}::timestamptz
        and o.created_at < ${until}::timestamptz
      group by 1`,
  );
  const names = await queryRows<{
    kind: string;
    id: string;
    name: string;
    type: string | null;
    channel: string | null;
    currency: string | null;
  }>(
    db,
    sql`select 'provider' as kind, p.id::text as id, p.name, p.type::text as type, p.channel::text as channel, p.currency
        from providers p where p.org_id = ${orgId}::uuid
      union all
      select 'template', t.id::text, t.name, null, t.channel::text, null from templates t where t.org_id = ${orgId}::uuid`,
  );
  const nameOf = new Map(names.map((n) => [`${n.kind}:${n.id}`, n]));

  const period = (p: "cur" | "prev", from: Date, to: Date): PeriodFigures => {
    const t = totals.find((r) => r.period === p);
    const n = (c: string) => Number(t?.[c] ?? 0);
    const by_status = Object.fromEntries(ROLLUP_STATUS_COLUMNS.filter((c) => n(c) > 0).map((c) => [c, n(c)]));
    const total = ROLLUP_STATUS_COLUMNS.reduce((sum, c) => sum + n(c), 0);
    const delivered = n("delivered");
    const attempted = ["sent", "delivered", "failed", "undelivered", "bounced"].reduce(
      (sum, c) => sum + n(c),
      0,
    );
    const opt = optOuts.find((o) => o.period === p)?.n ?? 0;
    return {
      since: from.toISOString(),
      until: to.toISOString(),
      messages: { total, by_status },
      delivered,
      attempted,
      delivery_rate: rate(delivered, attempted),
      opt_outs: opt,
      opt_out_rate: rate(opt, delivered || attempted),
      cost: money(t?.cost),
    };
  };
  const providerList = (p: "cur" | "prev"): ProviderFigures[] =>
    cells
      .filter((c) => c.period === p && c.dim === "provider")
      .map((c) => {
        const id = c.key === NO_ID ? null : c.key;
        const n = id ? nameOf.get(`provider:${id}`) : undefined;
        return {
          provider_id: id,
          name: n?.name ?? (id ? "deleted provider" : "no provider"),
          type: n?.type ?? null,
          channel: n?.channel ?? null,
          messages: c.messages,
          delivered: c.delivered,
          failed: c.failed,
          delivery_rate: rate(c.delivered, c.attempted),
          cost: money(c.cost),
          currency: n?.currency ?? null,
        };
      })
      .sort((a, b) => b.messages - a.messages);

  return {
    current: period("cur", range.since, range.until),
    previous: period("prev", prevSince, range.since),
    days: cells
      .filter((c) => c.period === "cur" && c.dim === "day" && c.key)
      .map((c) => ({
        date: c.key as string,
        messages: c.messages,
        delivered: c.delivered,
        failed: c.failed,
        cost: money(c.cost),
      }))
      .sort((a, b) => a.date.localeCompare(b.date)),
    topTemplates: cells
      .filter((c) => c.period === "cur" && c.dim === "template" && c.key && c.key !== NO_ID)
      .sort((a, b) => b.messages - a.messages)
      .slice(0, 5)
      .map((c) => ({
        template_id: c.key as string,
        name: nameOf.get(`template:${c.key}`)?.name ?? "deleted template",
        messages: c.messages,
        delivered: c.delivered,
        delivery_rate: rate(c.delivered, c.attempted),
      })),
    providers: providerList("cur"),
    previousProviders: providerList("prev"),
  };
}

const pct = (x: number) =>
  `${Math.abs(x * 100)
    .toFixed(1)
    .replace(/\.0$/, "")} %`;
const pp = (x: number) =>
  `${Math.abs(x * 100)
    .toFixed(1)
    .replace(/\.0$/, "")} percentage points`;

/** Sentences on what changed against the previous period, the largest change first. */
export function highlights(a: SummaryAggregates, currency: string): string[] {
  const { current: c, previous: p } = a;
  const out: { weight: number; text: string }[] = [];
  const relative = (now: number, before: number) => (before > 0 ? (now - before) / before : now > 0 ? 1 : 0);
  const vol = relative(c.messages.total, p.messages.total);
  if (c.messages.total || p.messages.total) {
    out.push({
      weight: Math.abs(vol),
      text:
        p.messages.total === 0
          ? `${c.messages.total} messages were sent; none were sent in the previous period.`
          : vol === 0
            ? `Volume held steady at ${c.messages.total} messages.`
            : `Volume ${vol > 0 ? "rose" : "fell"} ${pct(vol)} to ${c.messages.total} messages (from ${p.messages.total}).`,
    });
  }
  if (c.delivery_rate !== null && p.delivery_rate !== null && c.delivery_rate !== p.delivery_rate) {
    const d = c.delivery_rate - p.delivery_rate;
    out.push({
      weight: Math.abs(d) * 5,
      text: `The delivery rate ${d > 0 ? "improved" : "dropped"} ${pp(d)} to ${pct(c.delivery_rate)}.`,
    });
  }
  if (c.opt_out_rate !== null && p.opt_out_rate !== null && c.opt_out_rate !== p.opt_out_rate) {
    const d = c.opt_out_rate - p.opt_out_rate;
    out.push({
      weight: Math.abs(d) * 20,
      text: `Opt-outs ${d > 0 ? "rose" : "fell"} ${pp(d)} to ${pct(c.opt_out_rate)} of delivered messages.`,
    });
  }
  const cost = relative(c.cost, p.cost);
  if (c.cost !== p.cost) {
    out.push({
      weight: Math.abs(cost),
      text:
        p.cost === 0
          ? `Spend was ${formatAmount(c.cost)} ${currency}, against nothing in the previous period.`
          : `Spend ${cost > 0 ? "rose" : "fell"} ${pct(cost)} to ${formatAmount(c.cost)} ${currency} (from ${formatAmount(p.cost)}).`,
    });
  }
  for (const prov of a.providers) {
    const before = a.previousProviders.find((x) => x.provider_id === prov.provider_id);
    if (prov.delivery_rate === null || before?.delivery_rate == null) continue;
    const d = prov.delivery_rate - before.delivery_rate;
    if (Math.abs(d) >= 0.02) {
      out.push({
        weight: Math.abs(d) * 4,
        text: `${prov.name}'s delivery rate ${d > 0 ? "improved" : "dropped"} ${pp(d)} to ${pct(prov.delivery_rate)}.`,
      });
    }
  }
  if (!out.length) return ["No messages in this period or the previous one."];
  return out.sort((x, y) => y.weight - x.weight).map((x) => x.text);
}
