import { handle } from "@/lib/api/handler";
import { resendOps } from "@/lib/api/ops/resend";
import { resendCampaignFailures } from "@/lib/services/messages/resend";

export const POST = handle(resendOps.campaign, async ({ ctx, params }) =>
  resendCampaignFailures({ ctx, id: params.id }),
);
