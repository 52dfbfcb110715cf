import { handle } from "@/lib/api/handler";
import { outgoingWebhookOps } from "@/lib/api/ops/outgoing-webhooks";
import { rotateEndpointSecret } from "@/lib/services/outgoing-webhooks/endpoints";
import { toEndpointJson } from "@/lib/validation/outgoing-webhooks";

export const POST = handle(outgoingWebhookOps.rotate, async ({ ctx, params }) => {
  const { endpoint, secret } = await rotateEndpointSecret({ ctx, id: params.id });
  return { ...toEndpointJson(endpoint), secret };
});
