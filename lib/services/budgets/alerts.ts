import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { budgetAlerts, budgets } from "@/lib/db/schema";
import { log } from "@/lib/logger";
import { recordAudit } from "@/lib/services/audit/record";
import { systemCtx } from "@/lib/services/context";
import { sendEmail } from "@/lib/services/messages/send";
import { emitBudgetThresholdReached } from "@/lib/services/outgoing-webhooks/outbox";
import { money, monthPeriod } from "./period";
import { projectionOf, syncBudgetSpent } from "./spend";

export interface ThresholdAlert {
  budgetId: string;
  name: string;
  threshold: number;
  spent: number;
  amount: number;
  currency: string;
  periodStart: string;
  projection: string;
}

/**
 * Sends each budget threshold (50/80/100 % by default) that this period's
 * spend has crossed, once per period: the alert row's unique key decides, so
 * concurrent or repeated runs email it exactly once. Each alert is written to
 * the audit log in the same transaction and emailed to the budget's
 * alert_emails through the organisation's own email providers (an ordinary
 * transactional message, with failover and an entry in the message log).
 */
export async function checkBudgetThresholds(orgId: string, now = new Date()): Promise<ThresholdAlert[]> {
  const db = await getDb();
  const list = await db.select().from(budgets).where(eq(budgets.orgId, orgId));
  if (list.length === 0) return [];
  const spend = await syncBudgetSpent(db, orgId, now);
  const period = monthPeriod(now);
  const ctx = systemCtx(orgId, "budgets");
  const fired: ThresholdAlert[] = [];
  for (const b of list) {
    const spent = money(spend.get(b.id)?.spent);
    const amount = money(b.amount);
    if (amount <= 0) continue;
    const pct = (spent / amount) * 100;
    const { sentence } = projectionOf(b, spent, now);
    for (const threshold of b.thresholds.filter((t) => pct >= t)) {
      const alert: ThresholdAlert = {
        budgetId: b.id,
        name: b.name,
        threshold,
        spent,
        amount,
        currency: b.currency,
        periodStart: period.start,
        projection: sentence,
      };
      const claimed = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(budgetAlerts)
          .values({
            budgetId: b.id,
            orgId,
            periodStart: period.start,
            threshold,
            spent: String(spend.get(b.id)?.spent ?? "0"),
            projection: sentence,
            at: now,
          })
          .onConflictDoNothing()
          .returning({ id: budgetAlerts.id });
        if (!row) return false;
        // In this transaction: the outgoing event is written exactly when the alert is claimed.
        await emitBudgetThresholdReached(tx, orgId, thresholdEventData(alert));
        await recordAudit(tx, ctx, {
          action: "budget.threshold_reached",
          resourceType: "budget",
          resourceId: b.id,
          changes: thresholdEventData(alert),
        });
        return true;
      });
      if (!claimed) continue;
      fired.push(alert);
      await emailAlert(orgId, b.alertEmails, alert);
    }
  }
  return fired;
}

/** The `data` of a `budget.threshold_reached` outgoing event (SPEC §5, §8). */
export function thresholdEventData(a: ThresholdAlert) {
  return {
    budget_id: a.budgetId,
    name: a.name,
    threshold: a.threshold,
    spent: a.spent,
    amount: a.amount,
    currency: a.currency,
    period: a.periodStart,
    projection: a.projection,
  };
}

async function emailAlert(orgId: string, to: string[], a: ThresholdAlert): Promise<void> {
  const subject = `Budget "${a.name}" reached ${a.threshold} %`;
  const text = [
    `The budget "${a.name}" has reached ${a.threshold} % of ${a.amount} ${a.currency} for the month starting ${a.periodStart}.`,
    `Spent so far: ${a.spent} ${a.currency}.`,
    `${a.projection}.`,
  ].join("\n\n");
  for (const address of to) {
    try {
      await sendEmail({
        ctx: systemCtx(orgId, "budgets"),
        input: { to: address, subject, text, category: "transactional", metadata: { budget_id: a.budgetId } },
      });
    } catch (e) {
      log.warn("budget alert email not queued", {
        orgId,
        budgetId: a.budgetId,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }
}
