import { z } from "zod";
import { op } from "@/lib/api/operation";
import { uuidParam } from "@/lib/validation/common";
import {
  providerCreate,
  providerHealth,
  providerJson,
  providerReorder,
  providerTest,
  providerTestResult,
  providerUpdate,
  webhookTokenRotation,
} from "@/lib/validation/providers";

const tag = "Providers";
const params = z.object({ id: uuidParam });
export const providerOps = {
  list: op({
    method: "GET",
    path: "/providers",
    tag,
    summary: "List providers in priority order, with circuit state and today's sends",
    permission: "providers:read",
    query: z.object({ channel: z.enum(["email", "sms"]).optional() }),
    response: z.object({ data: z.array(providerJson), next_cursor: z.null() }),
  }),
  create: op({
    method: "POST",
    path: "/providers",
    tag,
    summary: "Add a provider (admin); credentials are encrypted and never returned",
    permission: "providers:write",
    body: providerCreate,
    response: providerJson,
    status: 201,
  }),
  get: op({
    method: "GET",
    path: "/providers/{id}",
    tag,
    summary: "A provider",
    permission: "providers:read",
    params,
    response: providerJson,
  }),
  update: op({
    method: "PATCH",
    path: "/providers/{id}",
    tag,
    summary: "Change a provider (admin); credential fields left out keep their values",
    permission: "providers:write",
    params,
    body: providerUpdate,
    response: providerJson,
  }),
  remove: op({
    method: "DELETE",
    path: "/providers/{id}",
    tag,
    summary: "Delete a provider (admin)",
    permission: "providers:write",
    params,
  }),
  test: op({
    method: "POST",
    path: "/providers/{id}/test",
    tag,
    summary: "Send a real test message through this provider only and report its answer (admin)",
    permission: "providers:write",
    params,
    body: providerTest,
    response: providerTestResult,
  }),
  health: op({
    method: "GET",
    path: "/providers/health",
    tag,
    summary: "Per channel: each provider's priority, circuit, failures and sends today vs its daily limit",
    permission: "providers:read",
    response: providerHealth,
  }),
  reorder: op({
    method: "POST",
    path: "/providers/reorder",
    tag,
    summary: "Set priorities 1…n in the given order (admin)",
    permission: "providers:write",
    body: providerReorder,
  }),
  rotateWebhookToken: op({
    method: "POST",
    path: "/providers/{id}/rotate-webhook-token",
    tag,
    summary:
      "Replace the secret token of the provider's callback URL (admin; providers that sign nothing, such as Africa's Talking)",
    permission: "providers:write",
    params,
    response: webhookTokenRotation,
  }),
};
