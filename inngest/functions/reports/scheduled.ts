import { defineFunction } from "@/inngest/define";
import { runDueSchedules } from "@/lib/services/reports/schedules";

/** Every 15 minutes: generates and emails each scheduled report that is due. */
export const runScheduledReports = defineFunction({
  id: "reports-scheduled",
  trigger: { cron: "*/15 * * * *" },
  retries: 2,
  async handler({ step }) {
    return step.run("run-due-schedules", () => runDueSchedules());
  },
});
