import { handle } from "@/lib/api/handler";
import { messageOps } from "@/lib/api/ops/messages";
import { getMessage } from "@/lib/services/messages/queries";
import { toMessageDetailJson } from "@/lib/validation/messages";

export const GET = handle(messageOps.get, async ({ ctx, params }) => {
  const { message, attempts, events } = await getMessage({ ctx, id: params.id });
  return toMessageDetailJson(message, attempts, events);
});
