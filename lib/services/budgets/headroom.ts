import { eq } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { budgets } from "@/lib/db/schema";
import type { Ctx } from "@/lib/services/context";
import { microsToNumber, toMicros } from "./budgets";
import { decimal } from "./period";
import { STOPPABLE_CATEGORIES } from "./reserve";
import { syncBudgetSpent } from "./spend";

/**
 * For the campaign wizard before launch: what is left of each budget covering
 * a send of this channel and category, and whether its estimated cost fits.
 * `fits` is false only where a hard stop would refuse messages (marketing).
 */
export async function budgetHeadroom({
  ctx,
  input,
  now = new Date(),
}: {
  ctx: Ctx;
  input: { channel: "email" | "sms"; category: string; estimatedCost: number | string };
  now?: Date;
}) {
  requirePermission(ctx, "dashboards:read");
  const db = await getDb();
  const list = (await db.select().from(budgets).where(eq(budgets.orgId, ctx.orgId))).filter(
    (b) => (!b.channel || b.channel === input.channel) && (!b.category || b.category === input.category),
  );
  if (list.length === 0) return { fits: true, budgets: [] };
  const spend = await syncBudgetSpent(db, ctx.orgId, now);
  const need = toMicros(decimal(input.estimatedCost));
  const rows = list.map((b) => {
    const s = spend.get(b.id);
    const left = toMicros(decimal(b.amount)) - toMicros(s?.spent ?? "0") - toMicros(s?.reserved ?? "0");
    const stops = b.hardStop && STOPPABLE_CATEGORIES.has(input.category);
    return {
      id: b.id,
      name: b.name,
      currency: b.currency,
      remaining: microsToNumber(left),
      hard_stop: b.hardStop,
      fits: !stops || need <= left,
    };
  });
  return { fits: rows.every((r) => r.fits), budgets: rows };
}
