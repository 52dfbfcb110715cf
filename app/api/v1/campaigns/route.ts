import { handle } from "@/lib/api/handler";
import { campaignOps } from "@/lib/api/ops/campaigns";
import { createCampaign, getCampaign, listCampaigns } from "@/lib/services/campaigns/campaigns";
import { toCampaignJson } from "@/lib/validation/campaigns";

export const GET = handle(campaignOps.list, async ({ ctx, query }) => {
  const page = await listCampaigns({ ctx, input: query });
  return { data: page.data.map((d) => toCampaignJson(d.campaign, d.stats)), next_cursor: page.nextCursor };
});

export const POST = handle(campaignOps.create, async ({ ctx, body }) => {
  const c = await createCampaign({ ctx, input: body });
  const d = await getCampaign({ ctx, id: c.id });
  return toCampaignJson(d.campaign, d.stats);
});
