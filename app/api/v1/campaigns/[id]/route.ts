import { handle } from "@/lib/api/handler";
import { campaignOps } from "@/lib/api/ops/campaigns";
import { deleteCampaign, getCampaign, updateCampaign } from "@/lib/services/campaigns/campaigns";
import { toCampaignJson } from "@/lib/validation/campaigns";

export const GET = handle(campaignOps.get, async ({ ctx, params }) => {
  const d = await getCampaign({ ctx, id: params.id });
  return toCampaignJson(d.campaign, d.stats);
});

export const PATCH = handle(campaignOps.update, async ({ ctx, params, body }) => {
  await updateCampaign({ ctx, id: params.id, input: body });
  const d = await getCampaign({ ctx, id: params.id });
  return toCampaignJson(d.campaign, d.stats);
});

export const DELETE = handle(campaignOps.remove, async ({ ctx, params }) => {
  await deleteCampaign({ ctx, id: params.id });
});
