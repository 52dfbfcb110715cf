import { z } from "zod";
import { op } from "@/lib/api/operation";
import {
  audiencePreview,
  campaignCreate,
  campaignJson,
  campaignQuery,
  campaignUpdate,
  statsJson,
} from "@/lib/validation/campaigns";
import { listResponse, uuidParam } from "@/lib/validation/common";

const tag = "Campaigns";
const params = z.object({ id: uuidParam });
const control = (verb: string, summary: string) =>
  op({
    method: "POST",
    path: `/campaigns/{id}/${verb}`,
    tag,
    summary,
    permission: "messages:send",
    params,
    response: campaignJson,
  });

export const campaignOps = {
  list: op({
    method: "GET",
    path: "/campaigns",
    tag,
    summary: "List campaigns with live stats",
    permission: "messages:send",
    query: campaignQuery,
    response: listResponse(campaignJson),
  }),
  create: op({
    method: "POST",
    path: "/campaigns",
    tag,
    summary: "Create a draft campaign",
    permission: "messages:send",
    body: campaignCreate,
    response: campaignJson,
    status: 201,
  }),
  get: op({
    method: "GET",
    path: "/campaigns/{id}",
    tag,
    summary: "A campaign with live stats",
    permission: "messages:send",
    params,
    response: campaignJson,
  }),
  update: op({
    method: "PATCH",
    path: "/campaigns/{id}",
    tag,
    summary: "Edit a draft campaign",
    permission: "messages:send",
    params,
    body: campaignUpdate,
    response: campaignJson,
  }),
  remove: op({
    method: "DELETE",
    path: "/campaigns/{id}",
    tag,
    summary: "Delete a draft campaign",
    permission: "messages:send",
    params,
  }),
  preview: op({
    method: "POST",
    path: "/campaigns/preview",
    tag,
    summary: "Audience size and estimated cost before launch",
    permission: "messages:send",
    body: audiencePreview,
    response: z.object({
      count: z.number(),
      segments_per_message: z.number().nullable(),
      estimated_cost: z.number(),
      currency: z.string().nullable(),
    }),
  }),
  launch: control("launch", "Freeze the audience and start sending"),
  pause: control("pause", "Pause sending (takes effect within seconds)"),
  resume: control("resume", "Resume a paused campaign"),
  cancel: control("cancel", "Cancel: messages not yet handed to a provider are cancelled"),
  stats: op({
    method: "GET",
    path: "/campaigns/{id}/stats",
    tag,
    summary: "Live counters",
    permission: "messages:send",
    params,
    response: statsJson,
  }),
};
