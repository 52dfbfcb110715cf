import { handle } from "@/lib/api/handler";
import { messageOps } from "@/lib/api/ops/messages";
import { sendEmail } from "@/lib/services/messages/send";

export const POST = handle(messageOps.emailSend, ({ ctx, body, req }) =>
  sendEmail({ ctx, input: body, idempotencyKey: req.headers.get("idempotency-key") }),
);
