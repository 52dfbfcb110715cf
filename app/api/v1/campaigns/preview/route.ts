import { handle } from "@/lib/api/handler";
import { campaignOps } from "@/lib/api/ops/campaigns";
import { previewAudience } from "@/lib/services/campaigns/campaigns";

export const POST = handle(campaignOps.preview, ({ ctx, body }) => previewAudience({ ctx, input: body }));
