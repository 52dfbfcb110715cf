import { defineFunction } from "@/inngest/define";
import { deleteOldReportFiles, purgeMessageBodies } from "@/lib/services/reports/retention";

/** Daily: deletes report files older than 90 days and purges message bodies past each organisation's retention. */
export const dailyRetention = defineFunction({
  id: "reports-daily-retention",
  trigger: { cron: "40 2 * * *" },
  retries: 3,
  async handler({ step }) {
    const files = await step.run("delete-old-report-files", () => deleteOldReportFiles());
    const bodies = await step.run("purge-message-bodies", () => purgeMessageBodies());
    return { ...files, ...bodies };
  },
});
