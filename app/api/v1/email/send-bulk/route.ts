import { handle } from "@/lib/api/handler";
import { messageOps } from "@/lib/api/ops/messages";
import { sendEmailBulk } from "@/lib/services/messages/send";

export const POST = handle(messageOps.emailBulk, ({ ctx, body, req }) =>
  sendEmailBulk({ ctx, input: body, idempotencyKey: req.headers.get("idempotency-key") }),
);
