import { handle } from "@/lib/api/handler";
import { campaignOps } from "@/lib/api/ops/campaigns";
import { cancelCampaign, getCampaign } from "@/lib/services/campaigns/campaigns";
import { toCampaignJson } from "@/lib/validation/campaigns";

export const POST = handle(campaignOps.cancel, async ({ ctx, params }) => {
  await cancelCampaign({ ctx, id: params.id });
  const d = await getCampaign({ ctx, id: params.id });
  return toCampaignJson(d.campaign, d.stats);
});
