import { webhookRoute } from "@/lib/api/webhook-route";

/** Mailgun webhooks (SPEC §5): HMAC of timestamp + token, fresh and single-use. */
export const POST = webhookRoute("mailgun");
