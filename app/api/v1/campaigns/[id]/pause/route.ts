import { handle } from "@/lib/api/handler";
import { campaignOps } from "@/lib/api/ops/campaigns";
import { getCampaign, pauseCampaign } from "@/lib/services/campaigns/campaigns";
import { toCampaignJson } from "@/lib/validation/campaigns";

export const POST = handle(campaignOps.pause, async ({ ctx, params }) => {
  await pauseCampaign({ ctx, id: params.id });
  const d = await getCampaign({ ctx, id: params.id });
  return toCampaignJson(d.campaign, d.stats);
});
