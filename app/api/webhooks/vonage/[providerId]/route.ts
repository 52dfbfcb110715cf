import { webhookRoute } from "@/lib/api/webhook-route";

/** Vonage delivery receipts and inbound messages (SPEC §5), GET or POST, signed with the signature secret. */
const handler = webhookRoute("vonage");

export const GET = handler;
export const POST = handler;
