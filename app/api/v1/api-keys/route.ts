import { handle } from "@/lib/api/handler";
import { apiKeyOps } from "@/lib/api/ops/api-keys";
import { createApiKey, listApiKeys } from "@/lib/services/api-keys/keys";
import { toApiKeyJson } from "@/lib/validation/api-keys";

export const GET = handle(apiKeyOps.list, async ({ ctx, query }) => {
  const page = await listApiKeys({ ctx, input: query });
  return { data: page.data.map(toApiKeyJson), next_cursor: page.nextCursor };
});

export const POST = handle(apiKeyOps.create, async ({ ctx, body }) => {
  const { apiKey, key } = await createApiKey({ ctx, input: body });
  return { ...toApiKeyJson(apiKey), key };
});
