import { handle } from "@/lib/api/handler";
import { providerOps } from "@/lib/api/ops/providers";
import { rotateWebhookToken } from "@/lib/services/providers/webhook-token";

export const POST = handle(providerOps.rotateWebhookToken, ({ ctx, params }) =>
  rotateWebhookToken({ ctx, id: params.id }),
);
