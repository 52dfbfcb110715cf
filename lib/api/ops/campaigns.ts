import { z } from "zod";
import { op } from "@/lib/api/operation";
import {
  audiencePreview,
  campaignCreate,
  campaignDryRun,
  campaignDryRunJson,
  campaignJson,
  campaignQuery,
  campaignTestSend,
  campaignUpdate,
  pickWinner,
  statsJson,
} from "@/lib/validation/campaigns";
import { listResponse, uuidParam } from "@/lib/validation/common";
import { messageJson } from "@/lib/validation/messages";

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
      quiet_hours_deferred: z
        .number()
        .describe(
          "marketing SMS recipients who would wait for their quiet hours to end (each in their own zone)",
        ),
    }),
  }),
  dryRun: op({
    method: "POST",
    path: "/campaigns/dry-run",
    tag,
    summary:
      "What launching would do, recipient by recipient, without sending: who receives it, who is skipped and why, quiet-hours deferrals, estimated cost",
    permission: "messages:send",
    body: campaignDryRun,
    response: campaignDryRunJson,
  }),
  testSend: op({
    method: "POST",
    path: "/campaigns/test-send",
    tag,
    summary: "Send the campaign's template once to yourself, rendered for the audience's first contact",
    permission: "messages:send",
    body: campaignTestSend,
    status: 202,
    response: z.object({
      message: messageJson,
      sample_contact: z.string().nullable(),
      missing_variables: z.array(z.string()),
    }),
  }),
  duplicate: op({
    method: "POST",
    path: "/campaigns/{id}/duplicate",
    tag,
    summary: "Copy a campaign (any status) into a new draft",
    permission: "messages:send",
    params,
    status: 201,
    response: campaignJson,
  }),
  launch: control("launch", "Freeze the audience and start sending"),
  pause: control("pause", "Pause sending (takes effect within seconds)"),
  resume: control("resume", "Resume a paused campaign"),
  cancel: control("cancel", "Cancel: messages not yet handed to a provider are cancelled"),
  pickWinner: op({
    method: "POST",
    path: "/campaigns/{id}/pick-winner",
    tag,
    summary:
      "A/B campaigns: choose the winning variant now (before or instead of the metric); the waiting recipients get it. 409 once decided or for a campaign without variants, 422 for an unknown variant",
    permission: "messages:send",
    params,
    body: pickWinner,
    response: campaignJson,
  }),
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
