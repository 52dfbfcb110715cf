import { handle } from "@/lib/api/handler";
import { campaignOps } from "@/lib/api/ops/campaigns";
import { sendCampaignTest } from "@/lib/services/campaigns/dry-run";

export const POST = handle(campaignOps.testSend, ({ ctx, body }) => sendCampaignTest({ ctx, input: body }));
