import { webhookRoute } from "@/lib/api/webhook-route";

/** SendGrid's signed event webhook (SPEC §5): batches verified as one, each event stored once and applied. */
export const POST = webhookRoute("sendgrid");
