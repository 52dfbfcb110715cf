import { handle } from "@/lib/api/handler";
import { conversationOps } from "@/lib/api/ops/conversations";
import { listConversations } from "@/lib/services/messages/conversations";

export const GET = handle(conversationOps.list, ({ ctx, query }) => listConversations({ ctx, input: query }));
