import { handle } from "@/lib/api/handler";
import { campaignOps } from "@/lib/api/ops/campaigns";
import { duplicateCampaign, getCampaign } from "@/lib/services/campaigns/campaigns";
import { toCampaignJson } from "@/lib/validation/campaigns";

export const POST = handle(campaignOps.duplicate, async ({ ctx, params }) => {
  const copy = await duplicateCampaign({ ctx, id: params.id });
  const d = await getCampaign({ ctx, id: copy.id });
  return toCampaignJson(d.campaign, d.stats);
});
