import { defineFunction, type Steps } from "@/inngest/define";
import { events } from "@/inngest/events";
import { emit } from "@/lib/jobs/emit";
import { abWaitUntil, decideWinner, freezeCampaign, rolloutWinner } from "@/lib/services/campaigns/ab";
import { sendCampaignBatch } from "@/lib/services/campaigns/dispatch";
import { CAMPAIGN_LANES, dispatchEvents } from "@/lib/services/campaigns/lanes";

/**
 * Batches per run: one. A lane sends one batch, then continues as a fresh
 * run (a new event with a deterministic id), so a campaign is a stream of
 * short batch runs that any instance can take — two workers share one
 * campaign — and a lane never holds a runner slot for a whole campaign.
 */
const BATCHES_PER_RUN = 1;

interface Lane {
  campaignId: string;
  orgId: string;
  run: number;
  lane?: number;
  gen?: string;
}

async function dispatchLoop(step: Steps, { campaignId, orgId, run, lane, gen }: Lane) {
  for (let i = 0; i < BATCHES_PER_RUN; i++) {
    const r = await step.run(`batch-${i}`, () => sendCampaignBatch(campaignId));
    if (r.state === "done" || r.state === "stopped") return r;
    if (r.state === "waiting") await step.sleepUntil(`wait-${i}`, new Date(r.until));
  }
  await step.run("continue", () =>
    emit([
      {
        name: "campaigns/campaign.dispatch",
        id:
          gen === undefined
            ? `campaign:${campaignId}:run:${run + 1}`
            : `campaign:${campaignId}:${gen}:lane:${lane ?? 0}:run:${run + 1}`,
        data: { campaignId, orgId, run: run + 1, lane, gen },
      },
    ]),
  );
  return { state: "continued" as const };
}

/**
 * Launch: freeze the audience into message rows (idempotent), then fan out:
 * one dispatch event per lane, with deterministic ids, so the lanes run on
 * whichever instances take them.
 */
export const launchCampaignRun = defineFunction({
  id: "campaigns-launch",
  trigger: { event: "campaigns/campaign.launched", schema: events["campaigns/campaign.launched"] },
  retries: 5,
  async handler({ event, step }) {
    const { targeted } = await step.run("freeze-audience", () => freezeCampaign(event.data.campaignId));
    const lanes = await step.run("fan-out", async () => {
      const out = await dispatchEvents(event.data.campaignId, "launch");
      await emit(out);
      return out.length;
    });
    return { targeted, lanes };
  },
});

/**
 * One lane of a running campaign (launch, resume, A/B rollout and
 * continuation): sends batches until nothing is due. At most CAMPAIGN_LANES
 * lanes of one campaign run at once, on any instances (keyed concurrency).
 */
export const dispatchCampaignRun = defineFunction({
  id: "campaigns-dispatch",
  trigger: { event: "campaigns/campaign.dispatch", schema: events["campaigns/campaign.dispatch"] },
  retries: 5,
  concurrency: { limit: CAMPAIGN_LANES, key: "event.data.campaignId" },
  async handler({ event, step }) {
    return dispatchLoop(step, { ...event.data, run: event.data.run ?? 0 });
  },
});

/**
 * A/B: sleeps until wait_minutes after sending started, chooses the winner by
 * the metric (a manual test stops here until a pick emits this again), then
 * turns the waiting recipients into the winner's messages and dispatches them.
 */
export const decideAbCampaign = defineFunction({
  id: "campaigns-ab-decide",
  trigger: { event: "campaigns/ab.decide", schema: events["campaigns/ab.decide"] },
  retries: 5,
  async handler({ event, step }) {
    const until = await step.run("decide-at", () => abWaitUntil(event.data.campaignId));
    if (until) await step.sleepUntil("wait", new Date(until));
    const winner = await step.run("decide", () => decideWinner(event.data.campaignId));
    if (!winner) return { state: "undecided" as const };
    return step.run("rollout", () => rolloutWinner(event.data.campaignId));
  },
});
