import { handle } from "@/lib/api/handler";
import { campaignOps } from "@/lib/api/ops/campaigns";
import { pickWinner } from "@/lib/services/campaigns/ab";
import { getCampaign } from "@/lib/services/campaigns/campaigns";
import { toCampaignJson } from "@/lib/validation/campaigns";

export const POST = handle(campaignOps.pickWinner, async ({ ctx, params, body }) => {
  await pickWinner({ ctx, id: params.id, variant: body.variant });
  const d = await getCampaign({ ctx, id: params.id });
  return toCampaignJson(d.campaign, d.stats);
});
