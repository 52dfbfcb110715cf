import { handle } from "@/lib/api/handler";
import { outgoingWebhookOps } from "@/lib/api/ops/outgoing-webhooks";
import { listDeliveries } from "@/lib/services/outgoing-webhooks/endpoints";
import { toDeliveryJson } from "@/lib/validation/outgoing-webhooks";

export const GET = handle(outgoingWebhookOps.deliveries, async ({ ctx, params, query }) => {
  const page = await listDeliveries({ ctx, id: params.id, input: query });
  return { data: page.data.map(toDeliveryJson), next_cursor: page.nextCursor };
});
