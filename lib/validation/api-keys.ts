import { z } from "zod";
import type { ApiKey } from "@/lib/db/schema";
import { isoDate, listQuery, listResponse, roleSchema } from "./common";

export const apiKeyCreate = z
  .object({
    name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
    role: roleSchema,
  })
  .meta({ id: "ApiKeyCreate" });
export type ApiKeyCreate = z.infer<typeof apiKeyCreate>;

export const apiKeyQuery = listQuery.extend({
  include_revoked: z.stringbool().default(false),
});
export type ApiKeyQuery = z.infer<typeof apiKeyQuery>;

export const apiKeyJson = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().describe("First characters of the key, to tell keys apart"),
    role: roleSchema,
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: "ApiKey" });
export const apiKeyCreated = apiKeyJson
  .extend({ key: z.string().describe("The secret key. Shown only in this answer.") })
  .meta({ id: "ApiKeyCreated" });
export const apiKeyList = listResponse(apiKeyJson);

export function toApiKeyJson(k: ApiKey): z.infer<typeof apiKeyJson> {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    role: k.role,
    last_used_at: isoDate(k.lastUsedAt),
    revoked_at: isoDate(k.revokedAt),
    created_at: isoDate(k.createdAt) as string,
  };
}
