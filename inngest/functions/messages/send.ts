import { defineFunction } from "@/inngest/define";
import { events } from "@/inngest/events";
import { deliverMessage, markDeliveryFailed } from "@/lib/services/messages/deliver";

/** How often a run re-looks at its message while another run has it in flight. */
const IN_FLIGHT_CHECKS = 6;

/**
 * Sends one message: waits for its send time (schedules, quiet hours), then
 * hands it to the providers in priority order with failover, together with the
 * organisation's other due single sends (micro-batching: one group, one write
 * transaction). When no provider could take it, the step throws and is retried
 * with exponential backoff. When another run took it into its group and has it
 * in flight, this run waits for that one (or, should it have died, for the
 * message to count as orphaned) and looks again.
 */
export const sendMessage = defineFunction({
  id: "messages-send",
  trigger: { event: "messages/message.requested", schema: events["messages/message.requested"] },
  // With the runner's backoff this keeps trying for about two hours before the message fails.
  retries: 10,
  concurrency: 20,
  async handler({ event, step }) {
    if (event.data.sendAt) await step.sleepUntil("wait-for-send-time", new Date(event.data.sendAt));
    for (let check = 0; ; check++) {
      const outcome = await step.run(check === 0 ? "deliver" : `deliver-${check}`, () =>
        deliverMessage(event.data.messageId, event.data.orgId),
      );
      if (outcome.status !== "in_flight") return outcome;
      if (check + 1 >= IN_FLIGHT_CHECKS) throw new Error("message stayed in flight in another run");
      // First a second (the other group is usually done by then), then until it would count as orphaned.
      const soon = await step.run(`in-flight-${check}`, async () =>
        new Date(Date.now() + 1000).toISOString(),
      );
      const until = check === 0 ? soon : outcome.until > soon ? outcome.until : soon;
      await step.sleepUntil(`wait-in-flight-${check}`, new Date(until));
    }
  },
  async onFailure({ event, error }) {
    await markDeliveryFailed(event.data.messageId, error.message);
  },
});
