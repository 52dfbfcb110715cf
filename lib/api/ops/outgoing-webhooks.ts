import { z } from "zod";
import { op } from "@/lib/api/operation";
import { uuidParam } from "@/lib/validation/common";
import {
  deliveryJson,
  deliveryList,
  deliveryQuery,
  endpointCreate,
  endpointJson,
  endpointList,
  endpointQuery,
  endpointUpdate,
  endpointWithSecret,
} from "@/lib/validation/outgoing-webhooks";

const tag = "Outgoing webhooks";
const params = z.object({ id: uuidParam });
const permission = "webhooks:manage" as const;
export const outgoingWebhookOps = {
  list: op({
    method: "GET",
    path: "/webhook-endpoints",
    tag,
    summary: "List the organisation's webhook endpoints (admin)",
    permission,
    query: endpointQuery,
    response: endpointList,
  }),
  create: op({
    method: "POST",
    path: "/webhook-endpoints",
    tag,
    summary: "Create a webhook endpoint; its whsec_ secret appears only in this answer (admin)",
    permission,
    body: endpointCreate,
    response: endpointWithSecret,
    status: 201,
  }),
  get: op({
    method: "GET",
    path: "/webhook-endpoints/{id}",
    tag,
    summary: "A webhook endpoint (admin)",
    permission,
    params,
    response: endpointJson,
  }),
  update: op({
    method: "PATCH",
    path: "/webhook-endpoints/{id}",
    tag,
    summary: "Change a webhook endpoint; enabling it again clears disabled_reason (admin)",
    permission,
    params,
    body: endpointUpdate,
    response: endpointJson,
  }),
  remove: op({
    method: "DELETE",
    path: "/webhook-endpoints/{id}",
    tag,
    summary: "Delete a webhook endpoint and its delivery log (admin)",
    permission,
    params,
  }),
  test: op({
    method: "POST",
    path: "/webhook-endpoints/{id}/test",
    tag,
    summary: "Send a webhook.test event to this endpoint now; answers the delivery (admin)",
    permission,
    params,
    response: deliveryJson,
  }),
  rotate: op({
    method: "POST",
    path: "/webhook-endpoints/{id}/rotate-secret",
    tag,
    summary: "A new secret, shown once; the old one keeps signing beside it for 24 h (admin)",
    permission,
    params,
    response: endpointWithSecret,
  }),
  deliveries: op({
    method: "GET",
    path: "/webhook-endpoints/{id}/deliveries",
    tag,
    summary: "An endpoint's deliveries, newest first (admin)",
    permission,
    params,
    query: deliveryQuery,
    response: deliveryList,
  }),
  replay: op({
    method: "POST",
    path: "/webhook-deliveries/{id}/replay",
    tag,
    summary: "Deliver the event again now, with the same webhook-id (admin)",
    permission,
    params,
    response: deliveryJson,
  }),
};
