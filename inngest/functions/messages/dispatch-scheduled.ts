import { defineFunction } from "@/inngest/define";
import { requeueStrandedMessages } from "@/lib/services/messages/dispatch";

/**
 * Every minute: messages whose send time has passed but that no run picked up
 * (an emit lost to a crash between commit and send) are requested again, with
 * the same event id so a run that does exist is not doubled.
 */
export const dispatchScheduled = defineFunction({
  id: "messages-dispatch-scheduled",
  trigger: { cron: "* * * * *" },
  retries: 1,
  async handler({ step }) {
    return step.run("requeue-stranded", () => requeueStrandedMessages());
  },
});
