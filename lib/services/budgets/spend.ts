import { sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import type { Budget } from "@/lib/db/schema";
import { rowsOf } from "@/lib/jobs/runner";
import { monthPeriod } from "./period";

/** Cost of a rollup row: priced, estimated and charged failover attempts (numeric, in SQL). */
export const ROLLUP_COST = sql`(r.estimated_cost + r.provider_cost + r.attempt_cost)`;

/**
 * What each budget has spent this period, summed from the rollups in SQL and
 * answered as decimal strings; also re-syncs budget_periods.spent, which the
 * conditional reservation UPDATE compares against.
 */
export async function syncBudgetSpent(
  db: Executor,
  orgId: string,
  now = new Date(),
): Promise<Map<string, { spent: string; reserved: string }>> {
  const p = monthPeriod(now);
  const rows = rowsOf<{ budget_id: string; spent: string; reserved: string }>(
    await db.execute(sql`
      insert into budget_periods (budget_id, org_id, period_start, spent)
      select b.id, b.org_id, ${p.start}::date, coalesce((
        select sum(${ROLLUP_COST}) from message_rollups r
        where r.org_id = b.org_id and r.hour >= ${p.from.toISOString()}::timestamptz
          and r.hour < ${p.until.toISOString()}::timestamptz
          and r.currency = b.currency
          and (b.channel is null or r.channel = b.channel)
          and (b.category is null or r.category = b.category)
      ), 0)
      from budgets b where b.org_id = ${orgId}::uuid
      on conflict (budget_id, period_start) do update set spent = excluded.spent, updated_at = now()
      returning budget_id, spent::text as spent, reserved::text as reserved`),
  );
  return new Map(rows.map((r) => [r.budget_id, { spent: r.spent, reserved: r.reserved }]));
}

/** Linear projection of this period's spend, and the day it crosses the amount, in words. */
export function projectionOf(
  b: Pick<Budget, "amount">,
  spent: number,
  now: Date,
): { projected: number; sentence: string; crossesOn: Date | null } {
  const p = monthPeriod(now);
  const total = p.until.getTime() - p.from.getTime();
  const elapsed = Math.max(now.getTime() - p.from.getTime(), 60_000);
  const projected = Number(((spent * total) / elapsed).toFixed(6));
  const amount = Number(b.amount);
  if (spent <= 0) return { projected: 0, sentence: "Nothing spent yet this month", crossesOn: null };
  const crossAt = p.from.getTime() + (amount / spent) * elapsed;
  const pct = amount > 0 ? Math.round((projected / amount) * 100) : 0;
  if (crossAt <= now.getTime())
    return {
      projected,
      sentence: `Over budget: at this rate ${pct} % by the end of the month`,
      crossesOn: now,
    };
  if (crossAt < p.until.getTime()) {
    const d = new Date(crossAt);
    return { projected, sentence: `At this rate 100 % on the ${ordinal(d.getUTCDate())}`, crossesOn: d };
  }
  return { projected, sentence: `At this rate ${pct} % by the end of the month`, crossesOn: null };
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${n % 10 > 3 ? "th" : s}`;
}
