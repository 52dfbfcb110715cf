import { handle } from "@/lib/api/handler";
import { providerOps } from "@/lib/api/ops/providers";
import {
  deleteProvider,
  getProvider,
  toProviderJson,
  updateProvider,
} from "@/lib/services/providers/providers";

export const GET = handle(providerOps.get, async ({ ctx, params }) =>
  toProviderJson(await getProvider({ ctx, id: params.id })),
);

export const PATCH = handle(providerOps.update, async ({ ctx, params, body }) => {
  await updateProvider({ ctx, id: params.id, input: body });
  return toProviderJson(await getProvider({ ctx, id: params.id }));
});

export const DELETE = handle(providerOps.remove, async ({ ctx, params }) => {
  await deleteProvider({ ctx, id: params.id });
});
