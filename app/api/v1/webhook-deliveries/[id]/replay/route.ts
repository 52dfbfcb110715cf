import { handle } from "@/lib/api/handler";
import { outgoingWebhookOps } from "@/lib/api/ops/outgoing-webhooks";
import { replayDelivery } from "@/lib/services/outgoing-webhooks/endpoints";
import { toDeliveryJson } from "@/lib/validation/outgoing-webhooks";

export const POST = handle(outgoingWebhookOps.replay, async ({ ctx, params }) =>
  toDeliveryJson(await replayDelivery({ ctx, id: params.id })),
);
