import { defineFunction } from "@/inngest/define";
import { pollStuckMessages } from "@/lib/services/webhooks/poll";

/** Every ten minutes: look up messages stuck in sent/sending at providers with a status lookup. */
export const pollDeliveryStatus = defineFunction({
  id: "webhooks-poll-delivery-status",
  trigger: { cron: "*/10 * * * *" },
  retries: 1,
  async handler({ step }) {
    return step.run("poll", () => pollStuckMessages());
  },
});
