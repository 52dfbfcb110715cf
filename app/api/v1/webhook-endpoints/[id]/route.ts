import { handle } from "@/lib/api/handler";
import { outgoingWebhookOps } from "@/lib/api/ops/outgoing-webhooks";
import { deleteEndpoint, getEndpoint, updateEndpoint } from "@/lib/services/outgoing-webhooks/endpoints";
import { toEndpointJson } from "@/lib/validation/outgoing-webhooks";

export const GET = handle(outgoingWebhookOps.get, async ({ ctx, params }) =>
  toEndpointJson(await getEndpoint({ ctx, id: params.id })),
);

export const PATCH = handle(outgoingWebhookOps.update, async ({ ctx, params, body }) =>
  toEndpointJson(await updateEndpoint({ ctx, id: params.id, input: body })),
);

export const DELETE = handle(outgoingWebhookOps.remove, async ({ ctx, params }) => {
  await deleteEndpoint({ ctx, id: params.id });
});
