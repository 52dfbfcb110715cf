import { handle } from "@/lib/api/handler";
import { messageOps } from "@/lib/api/ops/messages";
import { listOutbox } from "@/lib/services/messages/queries";

export const GET = handle(messageOps.outbox, ({ ctx, query }) => listOutbox({ ctx, input: query }));
