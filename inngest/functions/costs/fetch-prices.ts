import { defineFunction } from "@/inngest/define";
import { fetchPendingPrices } from "@/lib/services/costs/prices";

/** Every two minutes: ask providers for prices they had not reported at delivery (Twilio). */
export const fetchPricesCron = defineFunction({
  id: "costs-fetch-prices",
  trigger: { cron: "*/2 * * * *" },
  retries: 1,
  concurrency: 1,
  async handler({ step }) {
    return step.run("fetch", () => fetchPendingPrices());
  },
});
