import { handle } from "@/lib/api/handler";
import { providerOps } from "@/lib/api/ops/providers";
import { reorderProviders } from "@/lib/services/providers/providers";

export const POST = handle(providerOps.reorder, async ({ ctx, body }) => {
  await reorderProviders({ ctx, ids: body.ids });
});
