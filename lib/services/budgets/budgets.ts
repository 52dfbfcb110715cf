import { and, desc, eq, inArray } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { type Budget, budgetAlerts, budgets } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";
import type { BudgetCreate, BudgetJson, BudgetUpdate } from "@/lib/validation/costs";
import { decimal, money, monthPeriod } from "./period";
import { projectionOf, syncBudgetSpent } from "./spend";

async function getBudgetInOrg(ctx: Ctx, id: string): Promise<Budget> {
  const db = await getDb();
  const [b] = await db
    .select()
    .from(budgets)
    .where(and(eq(budgets.id, id), eq(budgets.orgId, ctx.orgId)));
  if (!b) throw AppError.notFound("Budget");
  return b;
}

async function toJson(ctx: Ctx, list: Budget[], now = new Date()): Promise<BudgetJson[]> {
  if (list.length === 0) return [];
  const db = await getDb();
  const p = monthPeriod(now);
  const spend = await syncBudgetSpent(db, ctx.orgId, now);
  const alerts = await db
    .select()
    .from(budgetAlerts)
    .where(
      inArray(
        budgetAlerts.budgetId,
        list.map((b) => b.id),
      ),
    )
    .orderBy(desc(budgetAlerts.at))
    .limit(500);
  return list.map((b) => {
    const s = spend.get(b.id);
    const spent = money(s?.spent);
    const reserved = money(s?.reserved);
    const { projected, sentence } = projectionOf(b, spent, now);
    return {
      id: b.id,
      name: b.name,
      amount: money(b.amount),
      currency: b.currency,
      period: "month",
      channel: (b.channel as "email" | "sms" | null) ?? null,
      category: b.category,
      thresholds: b.thresholds,
      alert_emails: b.alertEmails,
      hard_stop: b.hardStop,
      period_start: p.start,
      period_end: new Date(p.until.getTime() - 86_400_000).toISOString().slice(0, 10),
      spent,
      reserved,
      // Exact: computed from the decimal strings' micro-units, not float subtraction.
      remaining: microsToNumber(
        toMicros(decimal(b.amount)) - toMicros(s?.spent ?? "0") - toMicros(s?.reserved ?? "0"),
      ),
      projected_total: projected,
      projection: sentence,
      alerts_sent: alerts
        .filter((a) => a.budgetId === b.id)
        .map((a) => ({ threshold: a.threshold, period: a.periodStart, at: a.at.toISOString() })),
      created_at: b.createdAt.toISOString(),
      updated_at: b.updatedAt.toISOString(),
    };
  });
}

/** A decimal string as integer micro-units (BigInt), exactly. */
export function toMicros(v: string): bigint {
  const neg = v.startsWith("-");
  const [i = "0", f = ""] = v.replace("-", "").split(".");
  const micros = BigInt(i) * 1_000_000n + BigInt(`${f}000000`.slice(0, 6));
  return neg ? -micros : micros;
}
export function microsToNumber(m: bigint): number {
  return Number(m) / 1_000_000;
}

/** The organisation's budgets with this period's spend. */
export async function listBudgets({ ctx, now }: { ctx: Ctx; now?: Date }) {
  requirePermission(ctx, "dashboards:read");
  const db = await getDb();
  const list = await db.select().from(budgets).where(eq(budgets.orgId, ctx.orgId)).orderBy(budgets.createdAt);
  return { data: await toJson(ctx, list, now), next_cursor: null };
}

export async function getBudget({ ctx, id, now }: { ctx: Ctx; id: string; now?: Date }) {
  requirePermission(ctx, "dashboards:read");
  const [json] = await toJson(ctx, [await getBudgetInOrg(ctx, id)], now);
  return json as BudgetJson;
}

/** Creates a budget (manager/admin), audited. */
export async function createBudget({ ctx, input }: { ctx: Ctx; input: BudgetCreate }) {
  requirePermission(ctx, "budgets:write");
  const db = await getDb();
  const b = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(budgets)
      .values({
        orgId: ctx.orgId,
        name: input.name,
        amount: decimal(input.amount),
        currency: input.currency,
        period: input.period,
        channel: input.channel,
        category: input.category,
        thresholds: input.thresholds,
        alertEmails: input.alert_emails,
        hardStop: input.hard_stop,
      })
      .returning();
    if (!row) throw new AppError("internal_error", "budget could not be stored");
    await recordAudit(tx, ctx, {
      action: "budget.created",
      resourceType: "budget",
      resourceId: row.id,
      changes: input,
    });
    return row;
  });
  const [json] = await toJson(ctx, [b]);
  return json as BudgetJson;
}

export async function updateBudget({ ctx, id, input }: { ctx: Ctx; id: string; input: BudgetUpdate }) {
  requirePermission(ctx, "budgets:write");
  const before = await getBudgetInOrg(ctx, id);
  const db = await getDb();
  const b = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(budgets)
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.amount !== undefined ? { amount: decimal(input.amount) } : {}),
        ...(input.currency !== undefined ? { currency: input.currency } : {}),
        ...(input.channel !== undefined ? { channel: input.channel } : {}),
        ...(input.category !== undefined ? { category: input.category } : {}),
        ...(input.thresholds !== undefined ? { thresholds: input.thresholds } : {}),
        ...(input.alert_emails !== undefined ? { alertEmails: input.alert_emails } : {}),
        ...(input.hard_stop !== undefined ? { hardStop: input.hard_stop } : {}),
      })
      .where(and(eq(budgets.id, id), eq(budgets.orgId, ctx.orgId)))
      .returning();
    if (!row) throw AppError.notFound("Budget");
    await recordAudit(tx, ctx, {
      action: "budget.updated",
      resourceType: "budget",
      resourceId: id,
      changes: {
        before: { name: before.name, amount: before.amount, hard_stop: before.hardStop },
        after: input,
      },
    });
    return row;
  });
  const [json] = await toJson(ctx, [b]);
  return json as BudgetJson;
}

export async function deleteBudget({ ctx, id }: { ctx: Ctx; id: string }) {
  requirePermission(ctx, "budgets:write");
  await getBudgetInOrg(ctx, id);
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx.delete(budgets).where(and(eq(budgets.id, id), eq(budgets.orgId, ctx.orgId)));
    await recordAudit(tx, ctx, { action: "budget.deleted", resourceType: "budget", resourceId: id });
  });
}
