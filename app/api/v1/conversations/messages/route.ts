import { handle } from "@/lib/api/handler";
import { conversationOps } from "@/lib/api/ops/conversations";
import { getConversation } from "@/lib/services/messages/conversations";

export const GET = handle(conversationOps.thread, ({ ctx, query }) =>
  getConversation({ ctx, number: query.number, input: { limit: query.limit, cursor: query.cursor } }),
);
