import { handle } from "@/lib/api/handler";
import { messageOps } from "@/lib/api/ops/messages";
import { cancelMessage } from "@/lib/services/messages/send";
import { toMessageJson } from "@/lib/validation/messages";

export const POST = handle(messageOps.cancel, async ({ ctx, params }) =>
  toMessageJson(await cancelMessage({ ctx, id: params.id })),
);
