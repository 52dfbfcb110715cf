import { handle } from "@/lib/api/handler";
import { messageOps } from "@/lib/api/ops/messages";
import { sendSmsBulk } from "@/lib/services/messages/send";

export const POST = handle(messageOps.smsBulk, ({ ctx, body, req }) =>
  sendSmsBulk({ ctx, input: body, idempotencyKey: req.headers.get("idempotency-key") }),
);
