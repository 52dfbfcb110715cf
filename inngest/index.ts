import type { DefinedFunction } from "./define";
import { dispatchScheduled } from "./functions/messages/dispatch-scheduled";
import { sendMessage } from "./functions/messages/send";

/** Every function: served at /api/inngest, and run by the embedded runner when Inngest is not configured. */
export const functions = [sendMessage, dispatchScheduled] as unknown as DefinedFunction[];
