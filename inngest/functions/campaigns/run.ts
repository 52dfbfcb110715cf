import { defineFunction, type Steps } from "@/inngest/define";
import { events } from "@/inngest/events";
import { emit } from "@/lib/jobs/emit";
import { sendCampaignBatch } from "@/lib/services/campaigns/dispatch";
import { freezeAudience } from "@/lib/services/campaigns/freeze";

/** Batches per run; a longer campaign continues in a fresh run (Inngest caps steps per run). */
const BATCHES_PER_RUN = 200;

async function dispatchLoop(step: Steps, campaignId: string, orgId: string, run: number) {
  for (let i = 0; i < BATCHES_PER_RUN; i++) {
    const r = await step.run(`batch-${i}`, () => sendCampaignBatch(campaignId));
    if (r.state === "done" || r.state === "stopped") return r;
    if (r.state === "waiting") await step.sleepUntil(`wait-${i}`, new Date(r.until));
  }
  await step.run("continue", () =>
    emit([
      {
        name: "campaigns/campaign.dispatch",
        id: `campaign:${campaignId}:run:${run + 1}`,
        data: { campaignId, orgId, run: run + 1 },
      },
    ]),
  );
  return { state: "continued" as const };
}

/** Launch: freeze the audience into message rows (idempotent), then send in batches. */
export const launchCampaignRun = defineFunction({
  id: "campaigns-launch",
  trigger: { event: "campaigns/campaign.launched", schema: events["campaigns/campaign.launched"] },
  retries: 5,
  async handler({ event, step }) {
    await step.run("freeze-audience", () => freezeAudience(event.data.campaignId));
    return dispatchLoop(step, event.data.campaignId, event.data.orgId, 0);
  },
});

/** Resume and continuation: send the rest of a running campaign in batches. */
export const dispatchCampaignRun = defineFunction({
  id: "campaigns-dispatch",
  trigger: { event: "campaigns/campaign.dispatch", schema: events["campaigns/campaign.dispatch"] },
  retries: 5,
  async handler({ event, step }) {
    return dispatchLoop(step, event.data.campaignId, event.data.orgId, event.data.run ?? 0);
  },
});
