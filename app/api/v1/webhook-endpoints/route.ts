import { handle } from "@/lib/api/handler";
import { outgoingWebhookOps } from "@/lib/api/ops/outgoing-webhooks";
import { createEndpoint, listEndpoints } from "@/lib/services/outgoing-webhooks/endpoints";
import { toEndpointJson } from "@/lib/validation/outgoing-webhooks";

export const GET = handle(outgoingWebhookOps.list, async ({ ctx, query }) => {
  const page = await listEndpoints({ ctx, input: query });
  return { data: page.data.map(toEndpointJson), next_cursor: page.nextCursor };
});

export const POST = handle(outgoingWebhookOps.create, async ({ ctx, body }) => {
  const { endpoint, secret } = await createEndpoint({ ctx, input: body });
  return { ...toEndpointJson(endpoint), secret };
});
