import { z } from "zod";
import { op } from "@/lib/api/operation";
import { apiKeyCreate, apiKeyCreated, apiKeyJson, apiKeyList, apiKeyQuery } from "@/lib/validation/api-keys";
import { uuidParam } from "@/lib/validation/common";

const tag = "API keys";
export const apiKeyOps = {
  list: op({
    method: "GET",
    path: "/api-keys",
    tag,
    summary: "List API keys (admin)",
    permission: "apikeys:manage",
    query: apiKeyQuery,
    response: apiKeyList,
  }),
  create: op({
    method: "POST",
    path: "/api-keys",
    tag,
    summary: "Create an API key; the key appears only in this answer (admin)",
    permission: "apikeys:manage",
    body: apiKeyCreate,
    response: apiKeyCreated,
    status: 201,
  }),
  revoke: op({
    method: "DELETE",
    path: "/api-keys/{id}",
    tag,
    summary: "Revoke an API key (admin)",
    permission: "apikeys:manage",
    params: z.object({ id: uuidParam }),
    response: apiKeyJson,
  }),
};
