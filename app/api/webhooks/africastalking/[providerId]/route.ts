import { webhookRoute } from "@/lib/api/webhook-route";

/** Africa's Talking delivery reports and incoming messages (SPEC §5), authenticated by the URL's token. */
export const POST = webhookRoute("africastalking");
