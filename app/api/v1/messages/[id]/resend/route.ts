import { handle } from "@/lib/api/handler";
import { resendOps } from "@/lib/api/ops/resend";
import { resendMessage } from "@/lib/services/messages/resend";

export const POST = handle(resendOps.message, async ({ ctx, params }) =>
  resendMessage({ ctx, id: params.id }),
);
