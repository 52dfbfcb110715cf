import { defineFunction } from "@/inngest/define";
import { getDb } from "@/lib/db";
import { budgets } from "@/lib/db/schema";
import { checkBudgetThresholds } from "@/lib/services/budgets/alerts";
import { rebuildRollups, refreshRollups } from "@/lib/services/rollups/refresh";

/** Every minute: fold the messages changed since the watermark into the hourly rollups, then check budget thresholds. */
export const refreshRollupsCron = defineFunction({
  id: "rollups-refresh",
  trigger: { cron: "* * * * *" },
  retries: 1,
  concurrency: 1,
  async handler({ step }) {
    const refreshed = await step.run("refresh", async () => refreshRollups(await getDb(), new Date()));
    const alerts = await step.run("budget-thresholds", async () => {
      const db = await getDb();
      const orgs = await db.selectDistinct({ orgId: budgets.orgId }).from(budgets);
      let sent = 0;
      for (const { orgId } of orgs) sent += (await checkBudgetThresholds(orgId, new Date())).length;
      return sent;
    });
    return { ...refreshed, alerts };
  },
});

/** Nightly: rebuild the last four days so late delivery receipts and late prices land (the GOV.UK Notify way). */
export const rebuildRollupsCron = defineFunction({
  id: "rollups-rebuild",
  trigger: { cron: "41 3 * * *" },
  retries: 2,
  concurrency: 1,
  async handler({ step }) {
    return step.run("rebuild", async () => {
      const now = new Date();
      return rebuildRollups(await getDb(), { since: new Date(now.getTime() - 4 * 86_400_000), until: now });
    });
  },
});
