import { defineFunction } from "@/inngest/define";
import { events } from "@/inngest/events";
import { deliverMessage, markDeliveryFailed } from "@/lib/services/messages/deliver";

/**
 * Sends one message: waits for its send time (schedules, quiet hours), then
 * hands it to the providers in priority order with failover. When no provider
 * could take it, the step throws and is retried with exponential backoff.
 */
export const sendMessage = defineFunction({
  id: "messages-send",
  trigger: { event: "messages/message.requested", schema: events["messages/message.requested"] },
  // With the runner's backoff this keeps trying for about two hours before the message fails.
  retries: 10,
  concurrency: 20,
  async handler({ event, step }) {
    if (event.data.sendAt) await step.sleepUntil("wait-for-send-time", new Date(event.data.sendAt));
    return step.run("deliver", () => deliverMessage(event.data.messageId));
  },
  async onFailure({ event, error }) {
    await markDeliveryFailed(event.data.messageId, error.message);
  },
});
