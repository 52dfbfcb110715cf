import { webhookRoute } from "@/lib/api/webhook-route";

/** Inbound SMS from Twilio (SPEC §5): stored for conversations, STOP/START/HELP handled, answered with TwiML. */
export const POST = webhookRoute("twilio", "inbound");
