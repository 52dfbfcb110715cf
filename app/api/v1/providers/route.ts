import { handle } from "@/lib/api/handler";
import { providerOps } from "@/lib/api/ops/providers";
import {
  createProvider,
  getProvider,
  listProviders,
  toProviderJson,
} from "@/lib/services/providers/providers";

export const GET = handle(providerOps.list, async ({ ctx, query }) => ({
  data: (await listProviders({ ctx, channel: query.channel })).map(toProviderJson),
  next_cursor: null,
}));

export const POST = handle(providerOps.create, async ({ ctx, body }) => {
  const created = await createProvider({ ctx, input: body });
  return toProviderJson(await getProvider({ ctx, id: created.id }));
});
