import { handle } from "@/lib/api/handler";
import { campaignOps } from "@/lib/api/ops/campaigns";
import { dryRunCampaign } from "@/lib/services/campaigns/dry-run";

export const POST = handle(campaignOps.dryRun, ({ ctx, body }) => dryRunCampaign({ ctx, input: body }));
