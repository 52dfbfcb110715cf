import { handle } from "@/lib/api/handler";
import { outgoingWebhookOps } from "@/lib/api/ops/outgoing-webhooks";
import { sendTestEvent } from "@/lib/services/outgoing-webhooks/endpoints";
import { toDeliveryJson } from "@/lib/validation/outgoing-webhooks";

export const POST = handle(outgoingWebhookOps.test, async ({ ctx, params }) =>
  toDeliveryJson(await sendTestEvent({ ctx, id: params.id })),
);
