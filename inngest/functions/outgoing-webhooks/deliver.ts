import { defineFunction } from "@/inngest/define";
import { events } from "@/inngest/events";
import { deliverDue, fanOut, nextAttemptAt, purgeOldEvents } from "@/lib/services/outgoing-webhooks/deliver";

/** Retries due within this long are waited for by the run itself; later ones by the every-minute sweep. */
const SLEEP_HORIZON_MS = 60_000;
const ROUNDS = 10;

/**
 * After outbox events were written: fan them out to the matching endpoints and
 * deliver in batches (bounded concurrency, keep-alive), then wait out the first
 * short retry (5 s) and deliver again. Claims are skip-locked and leased, so
 * several runs at once share the work instead of doubling it.
 */
export const deliverOutgoingWebhooks = defineFunction({
  id: "outgoing-webhooks-deliver",
  trigger: { event: "webhooks/outbox.written", schema: events["webhooks/outbox.written"] },
  retries: 3,
  concurrency: 4,
  async handler({ step }) {
    for (let round = 0; round < ROUNDS; round++) {
      const fanned = await step.run(`fan-out-${round}`, () => fanOut());
      const delivered = await step.run(`deliver-${round}`, () => deliverDue());
      if (fanned.events > 0 || delivered.attempted > 0) continue;
      // Decided inside the step, so a replayed run takes the same branch.
      const next = await step.run(`next-${round}`, async () => {
        const at = await nextAttemptAt();
        return at && new Date(at).getTime() - Date.now() <= SLEEP_HORIZON_MS ? at : null;
      });
      if (!next) return { rounds: round + 1 };
      await step.sleepUntil(`wait-${round}`, new Date(next));
    }
    return { rounds: ROUNDS };
  },
});

/**
 * Every minute: events whose wake-up was lost (a crash between commit and emit)
 * are fanned out, due retries are delivered, and month-old events are purged.
 */
export const sweepOutgoingWebhooks = defineFunction({
  id: "outgoing-webhooks-sweep",
  trigger: { cron: "* * * * *" },
  retries: 1,
  async handler({ step }) {
    let events = 0;
    for (let round = 0; round < 20; round++) {
      const fanned = await step.run(`fan-out-${round}`, () => fanOut());
      events += fanned.events;
      if (fanned.events === 0) break;
    }
    const delivered = await step.run("deliver", () => deliverDue());
    const purged = await step.run("purge", () => purgeOldEvents());
    return { events, ...delivered, purged };
  },
});
