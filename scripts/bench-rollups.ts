// Rollup catch-up smoke benchmark (issue 9's "rollups catch up after 100,000 new status
// events in < 10 s"). Against the Postgres of DATABASE_URL (make a throwaway database):
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_x BENCH_MESSAGES=1000000 BENCH_EVENTS=100000 npx tsx scripts/bench-rollups.ts
// Generates BENCH_MESSAGES messages over 90 days for one organisation, builds the
// rollups once, then moves BENCH_EVENTS of them to a new status (as status webhooks
// would) and times the incremental refresh, and one GET /costs/summary-equivalent read.
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { closeDb, getDb } from "@/lib/db";
import { systemCtx } from "@/lib/services/context";
import { costSummary } from "@/lib/services/costs/summary";
import { findOrCreateOrganisation } from "@/lib/services/orgs/organisations";
import { refreshRollups } from "@/lib/services/rollups/refresh";

const N = Number(process.env.BENCH_MESSAGES ?? 20_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000);

async function main() {
  if (!process.env.DATABASE_URL) throw new Error("set DATABASE_URL to a throwaway Postgres database");
  const db = await getDb();
  const org = await db.transaction((tx) => findOrCreateOrganisation(tx, `bench-rollups-${Date.now()}`));
  let t = performance.now();
  await db.execute(sql`
    insert into messages (org_id, channel, status, "to", category, segments, estimated_cost, cost, currency,
      created_at, updated_at, sent_at, delivered_at)
    select ${org.id}::uuid, (case when i % 3 = 0 then 'email' else 'sms' end)::channel, 'sent', '+12025550142',
      (array['marketing', 'otp', 'transactional'])[1 + i % 3], 1 + i % 3, 0.0079, 0.0079, 'USD',
      now() - (i % (90 * 24 * 60)) * interval '1 minute', now() - interval '1 day', now(), null
    from generate_series(1, ${N}) i`);
  const insertS = (performance.now() - t) / 1000;
  t = performance.now();
  await refreshRollups(db, new Date());
  const buildS = (performance.now() - t) / 1000;
  await db.execute(sql`
    update messages set status = 'delivered', delivered_at = sent_at + interval '3 seconds', updated_at = now()
    where id in (select id from messages where org_id = ${org.id}::uuid order by random() limit ${EVENTS})`);
  t = performance.now();
  const r = await refreshRollups(db, new Date(Date.now() + 1000));
  const catchUpS = (performance.now() - t) / 1000;
  t = performance.now();
  await costSummary({
    ctx: systemCtx(org.id, "bench"),
    input: { group_by: "day", start_date: new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10) },
  });
  const summaryMs = performance.now() - t;
  console.log(
    JSON.stringify(
      {
        messages: N,
        status_events: EVENTS,
        insert_s: insertS,
        initial_build_s: buildS,
        catch_up_s: catchUpS,
        hours_recomputed: r.hours,
        summary_90_days_ms: summaryMs,
        target_catch_up_s: 10,
      },
      null,
      2,
    ),
  );
  await closeDb();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
