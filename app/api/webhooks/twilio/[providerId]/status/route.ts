import { webhookRoute } from "@/lib/api/webhook-route";

/** Twilio status callbacks (SPEC §5): verified with this provider's auth token, stored once, applied. */
export const POST = webhookRoute("twilio", "status");
