import { handle } from "@/lib/api/handler";
import { apiKeyOps } from "@/lib/api/ops/api-keys";
import { revokeApiKey } from "@/lib/services/api-keys/keys";
import { toApiKeyJson } from "@/lib/validation/api-keys";

export const DELETE = handle(apiKeyOps.revoke, async ({ ctx, params }) =>
  toApiKeyJson(await revokeApiKey({ ctx, id: params.id })),
);
