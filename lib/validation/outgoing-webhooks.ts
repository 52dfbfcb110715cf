import { z } from "zod";
import type { WebhookDelivery, WebhookEndpoint } from "@/lib/db/schema/outgoing-webhooks";
import { isoDate, listQuery, listResponse } from "./common";

/** SPEC §5's event types, in the order the settings page lists them. */
export const OUTGOING_EVENT_TYPES = [
  "message.queued",
  "message.sent",
  "message.delivered",
  "message.failed",
  "message.undelivered",
  "message.bounced",
  "message.rejected",
  "message.opened",
  "message.clicked",
  "message.unsubscribed",
  "message.complained",
  "message.inbound",
  "opt_out.created",
  "opt_out.removed",
  "campaign.completed",
  "budget.threshold_reached",
] as const;
export type OutgoingEventType = (typeof OUTGOING_EVENT_TYPES)[number];

const eventTypes = z
  .array(z.enum(OUTGOING_EVENT_TYPES, { message: `must be one of ${OUTGOING_EVENT_TYPES.join(", ")}` }))
  .max(OUTGOING_EVENT_TYPES.length)
  .transform((t) => [...new Set(t)]);

const url = z
  .string()
  .trim()
  .min(1, "is required")
  .max(2000, "must be at most 2000 characters")
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), "must be an https:// URL");

export const endpointCreate = z
  .object({
    url,
    description: z.string().trim().max(500, "must be at most 500 characters").nullish(),
    event_types: eventTypes.default([]).describe("Empty: every event type"),
    enabled: z.boolean().default(true),
  })
  .meta({ id: "WebhookEndpointCreate" });
export type EndpointCreate = z.infer<typeof endpointCreate>;

export const endpointUpdate = z
  .object({
    url: url.optional(),
    description: z.string().trim().max(500, "must be at most 500 characters").nullish(),
    event_types: eventTypes.optional(),
    enabled: z.boolean().optional(),
  })
  .meta({ id: "WebhookEndpointUpdate" });
export type EndpointUpdate = z.infer<typeof endpointUpdate>;

export const endpointJson = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string().nullable(),
    event_types: z.array(z.string()),
    enabled: z.boolean(),
    created_at: z.string(),
    disabled_reason: z.string().nullable(),
  })
  .meta({ id: "WebhookEndpoint" });
export const endpointWithSecret = endpointJson
  .extend({ secret: z.string().describe("whsec_… signing secret. Shown only in this answer.") })
  .meta({ id: "WebhookEndpointWithSecret" });
export const endpointList = listResponse(endpointJson);
export const endpointQuery = listQuery;

export const deliveryJson = z
  .object({
    id: z.uuid(),
    endpoint_id: z.uuid(),
    event_id: z.string(),
    type: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    attempts: z.number(),
    last_status_code: z.number().nullable(),
    last_error: z.string().nullable(),
    last_response: z.string().nullable().describe("The first bytes of the receiver's last answer"),
    last_attempt_at: z.string().nullable(),
    next_attempt_at: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: "WebhookDelivery" });
export const deliveryList = listResponse(deliveryJson);
export const deliveryQuery = listQuery.extend({
  status: z.enum(["pending", "succeeded", "failed"]).optional(),
});
export type DeliveryQuery = z.infer<typeof deliveryQuery>;

export function toEndpointJson(e: WebhookEndpoint): z.infer<typeof endpointJson> {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    event_types: e.eventTypes,
    enabled: e.enabled,
    created_at: e.createdAt.toISOString(),
    disabled_reason: e.disabledReason,
  };
}

export function toDeliveryJson(d: WebhookDelivery): z.infer<typeof deliveryJson> {
  return {
    id: d.id,
    endpoint_id: d.endpointId,
    event_id: d.eventId,
    type: d.type,
    status: d.status,
    attempts: d.attempts,
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    last_response: d.lastResponse,
    last_attempt_at: isoDate(d.lastAttemptAt),
    next_attempt_at: isoDate(d.nextAttemptAt),
    created_at: d.createdAt.toISOString(),
  };
}
