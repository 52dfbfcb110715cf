import { type SQL, sql } from "drizzle-orm";
import { NO_ID, type ReportType } from "@/lib/db/schema";
import { ROLLUP_COST } from "@/lib/services/budgets/spend";
import { ceilHour, floorHour } from "@/lib/services/stats/range";
import { day, iso, type Keyset, type KeysetSource, MESSAGE_COST, moneySum, type WholeSource } from "./stream";

export interface Range {
  since: Date;
  until: Date;
}

export interface ReportScope extends Range {
  orgId: string;
  campaignId?: string | undefined;
}

/** A report's rows: their columns (CSV header, JSON keys), where they come from, and which the PDF shows. */
export interface RowSet {
  columns: string[];
  /** Columns of numbers (counts and money) — JSON numbers, right-aligned in the PDF. */
  numeric: string[];
  pdfColumns: string[];
  source: KeysetSource | WholeSource;
}

const inRange = (col: string, s: ReportScope) =>
  sql`${sql.raw(col)} >= ${s.since.toISOString()}::timestamptz and ${sql.raw(col)} < ${s.until.toISOString()}::timestamptz`;

/** (created_at, id) > the last row's, for tables keyed like messages and audit entries. */
const after = (alias: string, k: Keyset | null) =>
  k
    ? sql`and (${sql.raw(alias)}.created_at, ${sql.raw(alias)}.id) > (${k.k1}::timestamptz, ${k.k2}::uuid)`
    : sql``;

const messageColumns = sql`m.id::text as id, ${iso("m.created_at")} as created_at, m.channel::text as channel,
  m.direction, m.status::text as status, m."to", m."from", m.subject, m.category,
  m.template_id::text as template_id, m.campaign_id::text as campaign_id, m.provider_type::text as provider_type,
  m.segments, m.estimated_cost::text as estimated_cost, (${MESSAGE_COST()})::numeric(20, 6)::text as cost,
  m.currency, ${iso("m.sent_at")} as sent_at, ${iso("m.delivered_at")} as delivered_at, m.error,
  ${iso("m.created_at")} as _k1, m.id::text as _k2`;

const MESSAGE_COLUMNS = [
  "id",
  "created_at",
  "channel",
  "direction",
  "status",
  "to",
  "from",
  "subject",
  "category",
  "template_id",
  "campaign_id",
  "provider_type",
  "segments",
  "estimated_cost",
  "cost",
  "currency",
  "sent_at",
  "delivered_at",
  "error",
];

function messageRows(s: ReportScope, extra: SQL = sql``): RowSet {
  return {
    columns: MESSAGE_COLUMNS,
    numeric: ["segments", "estimated_cost", "cost"],
    pdfColumns: ["created_at", "channel", "status", "to", "provider_type", "cost"],
    source: {
      kind: "keyset",
      query: (k) => sql`select ${messageColumns} from messages m
        where m.org_id = ${s.orgId}::uuid and ${inRange("m.created_at", s)} ${extra} ${after("m", k)}
        order by m.created_at, m.id`,
    },
  };
}

/** Per campaign: what it sent in the range, by outcome, and what it cost. */
function campaignRows(s: ReportScope): RowSet {
  const counted = sql`from messages m where m.campaign_id = c.id and m.org_id = c.org_id and ${inRange("m.created_at", s)}`;
  return {
    columns: [
      "campaign_id",
      "name",
      "channel",
      "status",
      "created_at",
      "launched_at",
      "targeted",
      "messages",
      "delivered",
      "failed",
      "rejected",
      "delivery_rate",
      "cost",
    ],
    numeric: ["targeted", "messages", "delivered", "failed", "rejected", "delivery_rate", "cost"],
    pdfColumns: ["name", "status", "messages", "delivered", "failed", "delivery_rate", "cost"],
    source: {
      kind: "keyset",
      query: (
        k,
      ) => sql`select c.id::text as campaign_id, c.name, c.channel::text as channel, c.status::text as status,
          ${iso("c.created_at")} as created_at, ${iso("c.launched_at")} as launched_at, c.targeted,
          s.messages, s.delivered, s.failed, s.rejected,
          case when s.attempted > 0 then round(s.delivered::numeric / s.attempted, 4)::text else null end as delivery_rate,
          s.cost, ${iso("c.created_at")} as _k1, c.id::text as _k2
        from campaigns c
        cross join lateral (
          select count(*)::int as messages,
            (count(*) filter (where m.status = 'delivered'))::int as delivered,
            (count(*) filter (where m.status in ('failed', 'undelivered', 'bounced')))::int as failed,
            (count(*) filter (where m.status = 'rejected'))::int as rejected,
            (count(*) filter (where m.status in ('sent', 'delivered', 'failed', 'undelivered', 'bounced')))::int as attempted,
            ${moneySum(MESSAGE_COST())} as cost
          ${counted}
        ) s
        where c.org_id = ${s.orgId}::uuid
          and (s.messages > 0 or ${inRange("c.created_at", s)})
          ${after("c", k)}
        order by c.created_at, c.id`,
    },
  };
}

/** SMS conversations: one row per other party with messages in the range. */
function conversationRows(s: ReportScope): RowSet {
  const party = sql.raw(`case when m.direction = 'inbound' then m."from" else m."to" end`);
  return {
    columns: ["number", "inbound", "outbound", "first_message_at", "last_message_at", "opted_out"],
    numeric: ["inbound", "outbound"],
    pdfColumns: ["number", "inbound", "outbound", "first_message_at", "last_message_at", "opted_out"],
    source: {
      kind: "keyset",
      query: (k) => sql`select q.*,
          case when exists (select 1 from opt_outs o where o.org_id = ${s.orgId}::uuid and o.channel = 'sms'
            and o.address = q.number) then 'yes' else 'no' end as opted_out
        from (
          select ${party} as number,
            (count(*) filter (where m.direction = 'inbound'))::int as inbound,
            (count(*) filter (where m.direction <> 'inbound'))::int as outbound,
            ${iso("min(m.created_at)")} as first_message_at, ${iso("max(m.created_at)")} as last_message_at,
            ${party} as _k1, '' as _k2
          from messages m
          where m.org_id = ${s.orgId}::uuid and m.channel = 'sms' and ${party} is not null
            and ${inRange("m.created_at", s)} ${k ? sql`and ${party} > ${k.k1}` : sql``}
          group by ${party}
        ) q
        order by q.number`,
    },
  };
}

function auditRows(s: ReportScope): RowSet {
  return {
    columns: ["created_at", "actor_type", "actor", "action", "resource_type", "resource_id", "ip", "changes"],
    numeric: [],
    pdfColumns: ["created_at", "actor", "action", "resource_type", "resource_id"],
    source: {
      kind: "keyset",
      query: (k) => sql`select ${iso("a.created_at")} as created_at, a.actor_type::text as actor_type,
          a.actor_label as actor, a.action, a.resource_type, a.resource_id, a.ip, a.changes::text as changes,
          ${iso("a.created_at")} as _k1, a.id::text as _k2
        from audit_log a
        where a.org_id = ${s.orgId}::uuid and ${inRange("a.created_at", s)} ${after("a", k)}
        order by a.created_at, a.id`,
    },
  };
}

/**
 * A report range over the hourly rollups: whole UTC hours, `since` rounded
 * down and `until` up (so the current hour counts).
 */
export const rollupRange = (s: Range & { orgId: string }) =>
  sql`r.org_id = ${s.orgId}::uuid and r.hour >= ${floorHour(s.since).toISOString()}::timestamptz
    and r.hour < ${ceilHour(s.until).toISOString()}::timestamptz`;

/** Per UTC day: volume by outcome and cost (the summary's table), from the rollups. */
export function dailyRows(s: ReportScope): RowSet {
  return {
    columns: ["date", "messages", "delivered", "failed", "rejected", "cost"],
    numeric: ["messages", "delivered", "failed", "rejected", "cost"],
    pdfColumns: ["date", "messages", "delivered", "failed", "rejected", "cost"],
    source: {
      kind: "whole",
      query: () => sql`select ${day("r.hour")} as date, sum(r.messages)::int as messages,
          sum(r.delivered)::int as delivered, sum(r.failed + r.undelivered + r.bounced)::int as failed,
          sum(r.rejected)::int as rejected, ${moneySum(ROLLUP_COST)} as cost
        from message_rollups r
        where ${rollupRange(s)} ${s.campaignId ? sql`and r.campaign_id = ${s.campaignId}::uuid` : sql``}
        group by 1 order by 1`,
    },
  };
}

/** Per UTC day, provider and channel: messages, segments and cost in the provider's currency, from the rollups. */
export function costRows(s: Range & { orgId: string }): RowSet {
  return {
    columns: [
      "date",
      "channel",
      "provider_id",
      "provider",
      "provider_type",
      "messages",
      "segments",
      "cost",
      "currency",
    ],
    numeric: ["messages", "segments", "cost"],
    pdfColumns: ["date", "channel", "provider", "messages", "segments", "cost", "currency"],
    source: {
      kind: "whole",
      query: () => sql`select ${day("r.hour")} as date, r.channel,
          nullif(r.provider_id, ${NO_ID}::uuid)::text as provider_id, coalesce(p.name, 'no provider') as provider,
          max(r.provider_type) as provider_type, sum(r.messages)::int as messages,
          sum(r.segments)::int as segments, ${moneySum(ROLLUP_COST)} as cost,
          coalesce(nullif(r.currency, ''), p.currency) as currency
        from message_rollups r left join providers p on p.id = r.provider_id
        where ${rollupRange(s)}
        group by 1, 2, r.provider_id, p.id, 9 order by 1, 2, 4`,
    },
  };
}

/** The rows of each report type. */
export function rowSet(type: ReportType, s: ReportScope): RowSet {
  switch (type) {
    case "message":
      return messageRows(s);
    case "campaign":
      return s.campaignId ? messageRows(s, sql`and m.campaign_id = ${s.campaignId}::uuid`) : campaignRows(s);
    case "conversation":
      return conversationRows(s);
    case "audit":
      return auditRows(s);
    case "summary":
      return dailyRows(s);
    case "cost":
      return costRows(s);
  }
}
