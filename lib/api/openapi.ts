import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
} from "zod-openapi";
import { errorResponse } from "@/lib/validation/common";
import type { Operation } from "./operation";
import { apiKeyOps } from "./ops/api-keys";
import { auditOps } from "./ops/audit";
import { billingOps } from "./ops/billing";
import { campaignOps } from "./ops/campaigns";
import { consentOps } from "./ops/consent";
import { contactOps, listOps } from "./ops/contacts";
import { conversationOps } from "./ops/conversations";
import { costOps } from "./ops/costs";
import { messageOps } from "./ops/messages";
import { outgoingWebhookOps } from "./ops/outgoing-webhooks";
import { providerOps } from "./ops/providers";
import { costReportOps, reportOps, scheduleOps } from "./ops/reports";
import { resendOps } from "./ops/resend";
import { settingsOps } from "./ops/settings";
import { templateOps } from "./ops/templates";
import { userOps } from "./ops/users";

/** Every /api/v1 operation; a test checks this against the route files on disk. */
export const operations: Operation[] = [
  ...Object.values(apiKeyOps),
  ...Object.values(auditOps),
  ...Object.values(userOps),
  ...Object.values(providerOps),
  ...Object.values(templateOps),
  ...Object.values(messageOps),
  ...Object.values(consentOps),
  ...Object.values(contactOps),
  ...Object.values(listOps),
  ...Object.values(campaignOps),
  ...Object.values(conversationOps),
  ...Object.values(settingsOps),
  ...Object.values(billingOps),
  ...Object.values(costOps),
  ...Object.values(reportOps),
  ...Object.values(scheduleOps),
  ...Object.values(costReportOps),
  ...Object.values(outgoingWebhookOps),
  ...Object.values(resendOps),
] as Operation[];

const errors = {
  "400": "Validation failed; details lists each bad field",
  "401": "Missing, unknown or revoked API key",
  "403": "The key's role may not do this",
  "404": "Not found in this organisation",
  "409": "Conflict (e.g. Idempotency-Key reused with another body)",
  "422": "Business rule refused (opted out, invalid number, missing template variables, …)",
  "429": "Rate limited; see Retry-After",
} as const;

function toOperation(o: Operation): ZodOpenApiOperationObject {
  const responses: Record<string, ZodOpenApiResponseObject> = {
    [String(o.status ?? (o.response ? 200 : 204))]: {
      description: "Success",
      ...(o.response ? { content: { "application/json": { schema: o.response } } } : {}),
    },
  };
  for (const [code, description] of Object.entries(errors)) {
    responses[code] = { description, content: { "application/json": { schema: errorResponse } } };
  }
  return {
    summary: o.summary,
    tags: [o.tag],
    requestParams: { ...(o.params ? { path: o.params } : {}), ...(o.query ? { query: o.query } : {}) },
    ...(o.body ? { requestBody: { content: { "application/json": { schema: o.body } } } } : {}),
    responses,
  };
}

let cached: ReturnType<typeof createDocument> | undefined;

/** The OpenAPI 3.1 document, generated from the operations' zod schemas. */
export function openApiDocument() {
  if (cached) return cached;
  const paths: ZodOpenApiPathsObject = {};
  for (const o of operations) {
    paths[o.path] ??= {};
    const item = paths[o.path] as NonNullable<ZodOpenApiPathsObject[string]>;
    item[o.method.toLowerCase() as "get"] = toOperation(o);
  }
  paths["/openapi.json"] = {
    get: {
      summary: "This document",
      tags: ["Meta"],
      security: [],
      responses: { "200": { description: "OpenAPI 3.1" } },
    },
  };
  cached = createDocument({
    openapi: "3.1.0",
    info: {
      title: "Switchboard API",
      version: "1.0.0",
      description:
        "Email and SMS over many providers with failover, templates, campaigns, opt-outs, billing and reports.",
    },
    servers: [{ url: "/api/v1" }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "Authorization: Bearer <API key>" },
      },
    },
    paths,
  });
  return cached;
}
