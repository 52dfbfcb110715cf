import { defineFunction } from "@/inngest/define";
import { pruneWebhookNonces } from "@/lib/services/webhooks/nonces";

/** Hourly: drop single-use signature values past any signature's freshness window. */
export const pruneNonces = defineFunction({
  id: "webhooks-prune-nonces",
  trigger: { cron: "17 * * * *" },
  retries: 1,
  async handler({ step }) {
    return step.run("prune", () => pruneWebhookNonces());
  },
});
