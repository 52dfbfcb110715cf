import { handle } from "@/lib/api/handler";
import { campaignOps } from "@/lib/api/ops/campaigns";
import { getCampaign } from "@/lib/services/campaigns/campaigns";

export const GET = handle(
  campaignOps.stats,
  async ({ ctx, params }) => (await getCampaign({ ctx, id: params.id })).stats,
);
