import type { DefinedFunction } from "./define";
import { dispatchScheduled } from "./functions/messages/dispatch-scheduled";
import { sendMessage } from "./functions/messages/send";
import { pollDeliveryStatus } from "./functions/webhooks/poll-delivery-status";

/** Every function: served at /api/inngest, and run by the embedded runner when Inngest is not configured. */
export const functions = [sendMessage, dispatchScheduled, pollDeliveryStatus] as unknown as DefinedFunction[];
