import { eq, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { DELIVERY_BUCKETS_S, NO_ID, rollupWatermarks } from "@/lib/db/schema";
import { rowsOf } from "@/lib/jobs/runner";
import { log } from "@/lib/logger";

const WATERMARK = "message_rollups";
/** Inlined, not a parameter: GROUP BY must see the same expression as the select list. */
const NONE = sql.raw(`'${NO_ID}'::uuid`);
/** Re-read this much before the watermark: a transaction that stamped updated_at earlier may commit later. */
const OVERLAP_MS = 2 * 60_000;

const secs = sql`extract(epoch from (m.delivered_at - coalesce(m.sent_at, m.created_at)))`;
const delivered = sql`m.status = 'delivered' and m.delivered_at is not null`;

/** count(...) filter per histogram bucket: d0 ≤ 1 s, d1 ≤ 2 s, …, d11 the rest. */
function bucketColumns() {
  const parts = DELIVERY_BUCKETS_S.map((upper, i) => {
    const lower = i === 0 ? null : DELIVERY_BUCKETS_S[i - 1];
    return lower === null
      ? sql`count(*) filter (where ${delivered} and ${secs} <= ${upper})`
      : sql`count(*) filter (where ${delivered} and ${secs} > ${lower} and ${secs} <= ${upper})`;
  });
  const last = DELIVERY_BUCKETS_S[DELIVERY_BUCKETS_S.length - 1];
  parts.push(sql`count(*) filter (where ${delivered} and ${secs} > ${last})`);
  return sql.join(parts, sql`, `);
}

const statusCount = (s: string) => sql`count(*) filter (where m.status = ${s})`;

/**
 * Recomputes the rollup rows of the given (organisation, hour) pairs from
 * messages in three statements: read nothing back, delete those hours,
 * INSERT … SELECT … GROUP BY them again. Money is summed as numeric in SQL.
 */
async function recompute(db: Executor, orgIds: string[], hours: Date[]): Promise<number> {
  if (orgIds.length === 0) return 0;
  // Array literals as text: both drivers pass one text parameter the same way.
  const orgArray = `{${orgIds.join(",")}}`;
  const hourArray = `{${hours.map((h) => h.toISOString()).join(",")}}`;
  const touched = sql`(select * from unnest(${orgArray}::uuid[], ${hourArray}::timestamptz[]) as t(org_id, hour))`;
  await db.execute(sql`
    delete from message_rollups r using ${touched} t
    where r.org_id = t.org_id and r.hour = t.hour`);
  const inserted = await db.execute(sql`
    insert into message_rollups (
      org_id, hour, channel, provider_id, provider_type, category, campaign_id, template_id, currency,
      messages, pending, sent, delivered, failed, undelivered, bounced, rejected, cancelled, failed_over,
      segments, estimated_at_accept, estimated_cost, provider_cost, attempt_cost,
      delivered_count, delivery_seconds_sum,
      d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, d11, refreshed_at)
    select m.org_id, date_trunc('hour', m.created_at), m.channel::text,
      coalesce(m.provider_id, ${NONE}), max(m.provider_type::text), m.category,
      coalesce(m.campaign_id, ${NONE}), coalesce(m.template_id, ${NONE}), coalesce(m.currency, ''),
      count(*),
      count(*) filter (where m.status in ('scheduled', 'queued', 'sending')),
      ${statusCount("sent")}, ${statusCount("delivered")}, ${statusCount("failed")},
      ${statusCount("undelivered")}, ${statusCount("bounced")}, ${statusCount("rejected")},
      ${statusCount("cancelled")},
      count(*) filter (where m.attempt_count > 1),
      coalesce(sum(m.segments), 0),
      coalesce(sum(m.estimated_cost), 0),
      coalesce(sum(m.cost) filter (where m.cost_source = 'estimate'), 0),
      coalesce(sum(m.cost) filter (where m.cost_source = 'provider'), 0),
      -- Charged attempts before a failover: only messages with more than one attempt have them.
      coalesce(sum(case when m.attempt_count > 1 then (
        select sum(ma.cost) from message_attempts ma
        where ma.message_id = m.id and ma.outcome = 'failure' and ma.cost is not null
      ) end), 0),
      count(*) filter (where ${delivered}),
      coalesce(sum(greatest(${secs}, 0)) filter (where ${delivered}), 0),
      ${bucketColumns()},
      now()
    -- One index range scan of (org_id, created_at) per touched hour: a plain join lets the
    -- planner hash on org_id and compare every message with every hour.
    from ${touched} t
    cross join lateral (
      select * from messages mm
      where mm.org_id = t.org_id and mm.created_at >= t.hour and mm.created_at < t.hour + interval '1 hour'
        and mm.direction = 'outbound'
      offset 0 -- keeps the planner from flattening this back into a hash join
    ) m
    group by m.org_id, date_trunc('hour', m.created_at), m.channel, coalesce(m.provider_id, ${NONE}),
      m.category, coalesce(m.campaign_id, ${NONE}), coalesce(m.template_id, ${NONE}),
      coalesce(m.currency, '')
    on conflict on constraint message_rollups_pkey do update set
      messages = excluded.messages, pending = excluded.pending, sent = excluded.sent,
      delivered = excluded.delivered, failed = excluded.failed, undelivered = excluded.undelivered,
      bounced = excluded.bounced, rejected = excluded.rejected, cancelled = excluded.cancelled,
      failed_over = excluded.failed_over, segments = excluded.segments,
      estimated_at_accept = excluded.estimated_at_accept, estimated_cost = excluded.estimated_cost,
      provider_cost = excluded.provider_cost, attempt_cost = excluded.attempt_cost,
      delivered_count = excluded.delivered_count, delivery_seconds_sum = excluded.delivery_seconds_sum,
      d0 = excluded.d0, d1 = excluded.d1, d2 = excluded.d2, d3 = excluded.d3, d4 = excluded.d4,
      d5 = excluded.d5, d6 = excluded.d6, d7 = excluded.d7, d8 = excluded.d8, d9 = excluded.d9,
      d10 = excluded.d10, d11 = excluded.d11, refreshed_at = excluded.refreshed_at
    returning 1`);
  return rowsOf(inserted).length;
}

async function touchedHours(db: Executor, where: ReturnType<typeof sql>) {
  const rows = rowsOf<{ org_id: string; hour: string | Date }>(
    await db.execute(sql`
      select distinct m.org_id, date_trunc('hour', m.created_at) as hour
      from messages m where m.direction = 'outbound' and ${where}`),
  );
  return { orgIds: rows.map((r) => r.org_id), hours: rows.map((r) => new Date(r.hour)) };
}

/**
 * The minute cron's work: recompute every hour holding a message changed
 * since the last watermark (messages.updated_at), in one transaction. `now`
 * becomes the new watermark. Answers how many hours and rows were rebuilt.
 */
export async function refreshRollups(
  db: Executor,
  now = new Date(),
  opts: { skipIfBusy?: boolean } = {},
): Promise<{ hours: number; rows: number }> {
  return db.transaction(async (tx) => {
    // One refresh at a time: a second caller waits (a page render skips), then finds little left to do.
    if (opts.skipIfBusy) {
      const [got] = rowsOf<{ ok: boolean }>(
        await tx.execute(sql`select pg_try_advisory_xact_lock(7310101) as ok`),
      );
      if (!got?.ok) return { hours: 0, rows: 0 };
    } else await tx.execute(sql`select pg_advisory_xact_lock(7310101)`);
    const [mark] = await tx.select().from(rollupWatermarks).where(eq(rollupWatermarks.name, WATERMARK));
    const since = mark ? new Date(mark.watermark.getTime() - OVERLAP_MS) : new Date(0);
    const { orgIds, hours } = await touchedHours(
      tx,
      sql`m.updated_at > ${since.toISOString()}::timestamptz and m.updated_at <= ${now.toISOString()}::timestamptz`,
    );
    const rows = await recompute(tx, orgIds, hours);
    await tx
      .insert(rollupWatermarks)
      .values({ name: WATERMARK, watermark: now })
      .onConflictDoUpdate({ target: rollupWatermarks.name, set: { watermark: now, updatedAt: new Date() } });
    return { hours: hours.length, rows };
  });
}

/**
 * Rebuilds every hour of messages created in [since, until) (optionally one
 * organisation's), so late receipts and late prices land even if a change
 * slipped past the watermark — the nightly rebuild GOV.UK Notify does.
 */
export async function rebuildRollups(
  db: Executor,
  range: { since: Date; until: Date; orgId?: string },
): Promise<{ hours: number; rows: number }> {
  const since = new Date(Math.floor(range.since.getTime() / 3600_000) * 3600_000);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(7310101)`);
    const org = range.orgId ? sql` and m.org_id = ${range.orgId}::uuid` : sql``;
    const { orgIds, hours } = await touchedHours(
      tx,
      sql`m.created_at >= ${since.toISOString()}::timestamptz and m.created_at < ${range.until.toISOString()}::timestamptz${org}`,
    );
    // Hours whose messages are all gone (purged) still drop their rows.
    await tx.execute(sql`
      delete from message_rollups r
      where r.hour >= ${since.toISOString()}::timestamptz
        and r.hour < ${range.until.toISOString()}::timestamptz
        ${range.orgId ? sql`and r.org_id = ${range.orgId}::uuid` : sql``}`);
    const rows = await recompute(tx, orgIds, hours);
    return { hours: hours.length, rows };
  });
}

/**
 * Before a read that should show what was just sent (dashboard, summary and
 * cost reports): fold in the changes since the last minute's refresh. Skipped
 * when a refresh is already running; a failure is logged, never thrown.
 */
export async function freshenRollups(db: Executor, what: string): Promise<void> {
  await refreshRollups(db, new Date(), { skipIfBusy: true }).catch((e) =>
    log.warn(`rollup refresh before the ${what} failed`, { error: String(e) }),
  );
}
