import { sql } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { type ReportType, ROLLUP_STATUS_COLUMNS } from "@/lib/db/schema";
import { ROLLUP_COST } from "@/lib/services/budgets/spend";
import { type ReportScope, rollupRange } from "./sources";
import { day, MESSAGE_COST, money, moneySum, queryRows } from "./stream";

const inRange = (col: string, s: ReportScope) =>
  sql`${sql.raw(col)} >= ${s.since.toISOString()}::timestamptz and ${sql.raw(col)} < ${s.until.toISOString()}::timestamptz`;

/** Message totals of the scope (optionally one campaign, or all campaign messages): by status, segments and cost, summed in SQL. */
async function messageTotals(s: ReportScope, campaigns: "one" | "all" | "none") {
  const db = await getDb();
  const filter =
    campaigns === "one" && s.campaignId
      ? sql`and m.campaign_id = ${s.campaignId}::uuid`
      : campaigns === "all"
        ? sql`and m.campaign_id is not null`
        : sql``;
  const rows = await queryRows<{
    status: string | null;
    messages: number;
    segments: number;
    cost: string;
    estimated: string;
  }>(
    db,
    sql`select m.status::text as status, count(*)::int as messages, coalesce(sum(m.segments), 0)::int as segments,
        ${moneySum(MESSAGE_COST())} as cost,
        ${moneySum(sql`case when m.cost is null then ${MESSAGE_COST()} else 0 end`)} as estimated
      from messages m
      where m.org_id = ${s.orgId}::uuid and ${inRange("m.created_at", s)} ${filter}
      group by grouping sets ((m.status), ())`,
  );
  const all = rows.find((r) => r.status === null);
  const byStatus = Object.fromEntries(
    rows.filter((r) => r.status !== null).map((r) => [r.status, r.messages]),
  );
  const delivered = byStatus.delivered ?? 0;
  const attempted = ["sent", "delivered", "failed", "undelivered", "bounced"].reduce(
    (n, k) => n + (byStatus[k] ?? 0),
    0,
  );
  return {
    messages: all?.messages ?? 0,
    by_status: byStatus,
    delivered,
    delivery_rate: attempted ? Number((delivered / attempted).toFixed(4)) : null,
    segments: all?.segments ?? 0,
    cost: money(all?.cost),
    estimated_cost: money(all?.estimated),
  };
}

/** The same totals as messageTotals for the whole scope, read from the hourly rollups (cost and summary reports). */
async function rollupTotals(s: ReportScope) {
  const db = await getDb();
  const [t] = await queryRows<Record<string, number | string>>(
    db,
    sql`select ${sql.raw(ROLLUP_STATUS_COLUMNS.map((c) => `coalesce(sum(r.${c}), 0)::int as ${c}`).join(", "))},
        coalesce(sum(r.segments), 0)::int as segments, ${moneySum(ROLLUP_COST)} as cost,
        ${moneySum(sql`r.estimated_cost`)} as estimated
      from message_rollups r where ${rollupRange(s)}`,
  );
  const n = (c: string) => Number(t?.[c] ?? 0);
  const delivered = n("delivered");
  const attempted = ["sent", "delivered", "failed", "undelivered", "bounced"].reduce((a, c) => a + n(c), 0);
  return {
    messages: ROLLUP_STATUS_COLUMNS.reduce((a, c) => a + n(c), 0),
    by_status: Object.fromEntries(ROLLUP_STATUS_COLUMNS.filter((c) => n(c) > 0).map((c) => [c, n(c)])),
    delivered,
    delivery_rate: attempted ? Number((delivered / attempted).toFixed(4)) : null,
    segments: n("segments"),
    cost: money(t?.cost),
    estimated_cost: money(t?.estimated),
  };
}

/** The totals block of a report, computed in the database. */
export async function reportTotals(type: ReportType, s: ReportScope): Promise<Record<string, unknown>> {
  const db = await getDb();
  switch (type) {
    case "message":
      return messageTotals(s, "none");
    case "summary":
    case "cost":
      return rollupTotals(s);
    case "campaign": {
      if (s.campaignId) return messageTotals(s, "one");
      const [c] = await queryRows<{ campaigns: number }>(
        db,
        sql`select count(*)::int as campaigns from campaigns c where c.org_id = ${s.orgId}::uuid
          and (${inRange("c.created_at", s)} or exists (select 1 from messages m where m.campaign_id = c.id
            and m.org_id = c.org_id and ${inRange("m.created_at", s)}))`,
      );
      return { campaigns: c?.campaigns ?? 0, ...(await messageTotals(s, "all")) };
    }
    case "conversation": {
      const [c] = await queryRows<{ conversations: number; inbound: number; outbound: number }>(
        db,
        sql`select count(distinct case when m.direction = 'inbound' then m."from" else m."to" end)::int as conversations,
            (count(*) filter (where m.direction = 'inbound'))::int as inbound,
            (count(*) filter (where m.direction <> 'inbound'))::int as outbound
          from messages m where m.org_id = ${s.orgId}::uuid and m.channel = 'sms' and ${inRange("m.created_at", s)}`,
      );
      return { conversations: c?.conversations ?? 0, inbound: c?.inbound ?? 0, outbound: c?.outbound ?? 0 };
    }
    case "audit": {
      const [c] = await queryRows<{ entries: number; actors: number }>(
        db,
        sql`select count(*)::int as entries, count(distinct a.actor_label)::int as actors
          from audit_log a where a.org_id = ${s.orgId}::uuid and ${inRange("a.created_at", s)}`,
      );
      return { entries: c?.entries ?? 0, actors: c?.actors ?? 0 };
    }
  }
}

/** Per UTC day counts for the report's chart: messages (in the scope) or audit entries. */
export async function dailyVolume(
  type: ReportType,
  s: ReportScope,
): Promise<{ date: string; value: number }[]> {
  const db = await getDb();
  if (type === "audit") {
    return queryRows(
      db,
      sql`select ${day("a.created_at")} as date, count(*)::int as value from audit_log a
        where a.org_id = ${s.orgId}::uuid and ${inRange("a.created_at", s)} group by 1 order by 1`,
    );
  }
  if (type === "cost" || type === "summary") {
    return queryRows(
      db,
      sql`select ${day("r.hour")} as date, sum(r.messages)::int as value from message_rollups r
        where ${rollupRange(s)} group by 1 order by 1`,
    );
  }
  const filter =
    type === "conversation"
      ? sql`and m.channel = 'sms'`
      : type === "campaign"
        ? s.campaignId
          ? sql`and m.campaign_id = ${s.campaignId}::uuid`
          : sql`and m.campaign_id is not null`
        : sql``;
  return queryRows(
    db,
    sql`select ${day("m.created_at")} as date, count(*)::int as value from messages m
      where m.org_id = ${s.orgId}::uuid and ${inRange("m.created_at", s)} ${filter} group by 1 order by 1`,
  );
}
