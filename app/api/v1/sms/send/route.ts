import { handle } from "@/lib/api/handler";
import { messageOps } from "@/lib/api/ops/messages";
import { sendSms } from "@/lib/services/messages/send";

export const POST = handle(messageOps.smsSend, ({ ctx, body, req }) =>
  sendSms({ ctx, input: body, idempotencyKey: req.headers.get("idempotency-key") }),
);
