import { handle } from "@/lib/api/handler";
import { messageOps } from "@/lib/api/ops/messages";
import { listMessages } from "@/lib/services/messages/queries";
import { toMessageJson } from "@/lib/validation/messages";

export const GET = handle(messageOps.list, async ({ ctx, query }) => {
  const page = await listMessages({ ctx, input: query });
  return { data: page.data.map(toMessageJson), next_cursor: page.nextCursor };
});
