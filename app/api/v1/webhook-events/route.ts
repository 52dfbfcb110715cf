import { handle } from "@/lib/api/handler";
import { consentOps } from "@/lib/api/ops/consent";
import { listWebhookEvents } from "@/lib/services/webhooks/events";

export const GET = handle(consentOps.webhookEvents, ({ ctx, query }) =>
  listWebhookEvents({ ctx, input: query }),
);
