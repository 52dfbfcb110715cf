import { webhookRoute } from "@/lib/api/webhook-route";

/** MessageBird status reports (GET by default) and incoming messages (SPEC §5), signed with a JWT. */
const handler = webhookRoute("messagebird");

export const GET = handler;
export const POST = handler;
