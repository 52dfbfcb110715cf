import { inArray, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { type Budget, budgets } from "@/lib/db/schema";
import { rowsOf } from "@/lib/jobs/runner";
import { decimal, monthPeriod } from "./period";

export interface ReserveInput {
  id: string;
  orgId: string;
  channel: "email" | "sms";
  category: string;
  estimatedCost: number | string | null;
}

export type ReserveOutcome = { ok: true; budgetIds: string[] } | { ok: false };

/** Only marketing can be stopped by a budget: OTP, transactional and the rest always go (SPEC §8). */
export const STOPPABLE_CATEGORIES = new Set(["marketing"]);

function covers(b: Budget, m: ReserveInput): boolean {
  return (!b.channel || b.channel === m.channel) && (!b.category || b.category === m.category);
}

/**
 * Reserves each message's estimated cost against every budget of the current
 * period that covers it, with ONE conditional UPDATE per budget: messages that
 * can never be stopped are added unconditionally, and of the stoppable
 * (marketing, hard_stop) ones the cheapest first as many as still fit in
 * `amount - spent - reserved`. Concurrent callers serialise on the budget's
 * period row, so together they never reserve past the amount. A message
 * refused by any budget is `{ok: false}` and keeps no reservation.
 */
export async function reserveBudget(
  db: Executor,
  msgs: ReserveInput[],
  now = new Date(),
): Promise<Map<string, ReserveOutcome>> {
  const out = new Map<string, ReserveOutcome>();
  for (const m of msgs) out.set(m.id, { ok: true, budgetIds: [] });
  if (msgs.length === 0) return out;
  const orgIds = [...new Set(msgs.map((m) => m.orgId))];
  const period = monthPeriod(now);
  return db.transaction(async (tx) => {
    // In id order: concurrent callers lock budget rows in the same order and cannot deadlock.
    const all = await tx.select().from(budgets).where(inArray(budgets.orgId, orgIds)).orderBy(budgets.id);
    const refused = new Set<string>();
    const reservations: { messageId: string; budgetId: string; orgId: string; amount: string }[] = [];
    for (const b of all) {
      const covered = msgs.filter((m) => m.orgId === b.orgId && covers(b, m));
      if (covered.length === 0) continue;
      const stoppable = (m: ReserveInput) => b.hardStop && STOPPABLE_CATEGORIES.has(m.category);
      const forced = covered.filter((m) => !stoppable(m));
      // Cheapest first: as many messages as possible fit; the order is also the cumulative-sum order in SQL.
      const candidates = covered
        .filter(stoppable)
        .sort((x, y) => Number(decimal(x.estimatedCost)) - Number(decimal(y.estimatedCost)));
      const forcedSum = forced.map((m) => decimal(m.estimatedCost));
      const amounts = `{${candidates.map((m) => decimal(m.estimatedCost)).join(",")}}`;
      await tx.execute(sql`
        insert into budget_periods (budget_id, org_id, period_start)
        values (${b.id}::uuid, ${b.orgId}::uuid, ${period.start}::date)
        on conflict do nothing`);
      const forcedTotal = sql`(select coalesce(sum(f), 0) from unnest(${`{${forcedSum.join(",")}}`}::numeric[]) f)`;
      const cums = sql`(select sum(a) over (order by o) as cum from unnest(${amounts}::numeric[]) with ordinality u(a, o))`;
      const fit = sql`(select coalesce(max(c.cum), 0) from ${cums} c
        where c.cum <= b.amount - bp.spent - bp.reserved - ${forcedTotal})`;
      const [row] = rowsOf<{ fitted: number | string }>(
        await tx.execute(sql`
          update budget_periods bp set
            reserved = bp.reserved + ${forcedTotal} + ${fit},
            last_added = ${fit},
            updated_at = now()
          from budgets b
          where b.id = bp.budget_id and bp.budget_id = ${b.id}::uuid and bp.period_start = ${period.start}::date
          returning (select count(*) from ${cums} c where c.cum <= bp.last_added) as fitted`),
      );
      const fitted = Number(row?.fitted ?? 0);
      candidates.forEach((m, i) => {
        if (i < fitted)
          reservations.push({
            messageId: m.id,
            budgetId: b.id,
            orgId: b.orgId,
            amount: decimal(m.estimatedCost),
          });
        else refused.add(m.id);
      });
      for (const m of forced)
        reservations.push({
          messageId: m.id,
          budgetId: b.id,
          orgId: b.orgId,
          amount: decimal(m.estimatedCost),
        });
    }
    // A message refused by one budget gives back what other budgets reserved for it.
    const kept = reservations.filter((r) => !refused.has(r.messageId));
    const given = reservations.filter((r) => refused.has(r.messageId));
    if (given.length) await release(tx, given, period.start);
    if (kept.length) {
      await tx.execute(sql`
        insert into budget_reservations (message_id, budget_id, org_id, period_start, amount)
        select u.m, u.b, u.o, ${period.start}::date, u.a
        from unnest(${`{${kept.map((r) => r.messageId).join(",")}}`}::uuid[],
                    ${`{${kept.map((r) => r.budgetId).join(",")}}`}::uuid[],
                    ${`{${kept.map((r) => r.orgId).join(",")}}`}::uuid[],
                    ${`{${kept.map((r) => r.amount).join(",")}}`}::numeric[]) as u(m, b, o, a)
        on conflict (message_id, budget_id) do nothing`);
    }
    for (const r of kept) {
      const o = out.get(r.messageId);
      if (o?.ok) o.budgetIds.push(r.budgetId);
    }
    for (const id of refused) out.set(id, { ok: false });
    return out;
  });
}

async function release(
  tx: Executor,
  rows: { budgetId: string; amount: string }[],
  periodStart: string,
): Promise<void> {
  await tx.execute(sql`
    update budget_periods bp set reserved = greatest(bp.reserved - s.amt, 0), updated_at = now()
    from (
      select u.b as budget_id, sum(u.a) as amt
      from unnest(${`{${rows.map((r) => r.budgetId).join(",")}}`}::uuid[],
                  ${`{${rows.map((r) => r.amount).join(",")}}`}::numeric[]) as u(b, a)
      group by u.b
    ) s
    where bp.budget_id = s.budget_id and bp.period_start = ${periodStart}::date`);
}

export interface SettleInput {
  id: string;
  /** What the message finally cost; null when it was not sent (the reservation is released). */
  cost: number | string | null;
}

/**
 * Settles reservations in one statement: each message's reserved amount
 * leaves `reserved` and its actual cost (if it was sent) joins `spent`.
 * Settling a message twice does nothing the second time.
 */
export async function settleBudget(db: Executor, outcomes: SettleInput[]): Promise<void> {
  if (outcomes.length === 0) return;
  const ids = `{${outcomes.map((o) => o.id).join(",")}}`;
  const costs = `{${outcomes.map((o) => (o.cost === null ? "NULL" : decimal(o.cost))).join(",")}}`;
  await db.execute(sql`
    with o as (select * from unnest(${ids}::uuid[], ${costs}::numeric[]) as u(id, cost)),
    r as (
      delete from budget_reservations br using o
      where br.message_id = o.id
      returning br.budget_id, br.period_start, br.amount, o.cost
    )
    update budget_periods bp set
      reserved = greatest(bp.reserved - s.amt, 0),
      spent = bp.spent + s.cost,
      updated_at = now()
    from (
      select budget_id, period_start, sum(amount) as amt, coalesce(sum(cost), 0) as cost
      from r group by budget_id, period_start
    ) s
    where bp.budget_id = s.budget_id and bp.period_start = s.period_start`);
}

/**
 * For the delivery pipeline: marks the messages a budget refused as
 * `rejected` with reason `budget_exceeded` (SPEC §8) in one UPDATE, with one
 * timeline event each in one INSERT. Only messages not yet sent move; the
 * answer lists those that did.
 */
export async function rejectOverBudget(db: Executor, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const moved = rowsOf<{ id: string; org_id: string }>(
    await db.execute(sql`
      update messages set status = 'rejected', error = 'budget_exceeded', updated_at = now()
      where id = any(${`{${ids.join(",")}}`}::uuid[]) and status in ('scheduled', 'queued', 'sending')
      returning id, org_id`),
  );
  if (moved.length)
    await db.execute(sql`
      insert into message_events (org_id, message_id, type, data)
      select u.o, u.m, 'rejected', '{"reason":"budget_exceeded"}'::jsonb
      from unnest(${`{${moved.map((m) => m.org_id).join(",")}}`}::uuid[],
                  ${`{${moved.map((m) => m.id).join(",")}}`}::uuid[]) as u(o, m)`);
  return moved.map((m) => m.id);
}
