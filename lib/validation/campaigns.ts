import { z } from "zod";
import type { Campaign } from "@/lib/db/schema";
import { listQuery } from "./common";
import { categorySchema } from "./templates";

export const audienceFilter = z.object({
  all: z
    .array(
      z.object({
        field: z
          .string()
          .trim()
          .regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be an attribute name (letters, digits, _ . -)"),
        op: z.enum(["eq", "neq", "exists", "in"]),
        value: z.unknown().optional(),
      }),
    )
    .max(20, "must have at most 20 conditions"),
});

export const audienceSchema = z.object({
  list_ids: z
    .array(z.uuid({ message: "must be list ids" }))
    .max(50)
    .default([]),
  filter: audienceFilter.nullable().default(null),
});

export const campaignCreate = z
  .object({
    name: z.string().trim().min(1, "is required").max(200),
    channel: z.enum(["email", "sms"]),
    template_id: z.uuid({ message: "must be a template id" }),
    category: categorySchema.default("marketing"),
    audience: audienceSchema.refine(
      (a) => a.list_ids.length > 0 || (a.filter?.all.length ?? 0) > 0,
      "choose at least one list or a filter",
    ),
    send_at: z.iso
      .datetime({ offset: true, message: "must be an ISO 8601 date-time with a time zone" })
      .nullable()
      .optional(),
    local_time: z.boolean().default(false),
    throttle_per_minute: z.number().int().min(1, "must be at least 1").max(1_000_000).nullable().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.local_time && !c.send_at)
      ctx.addIssue({ code: "custom", path: ["send_at"], message: "is required with local_time" });
  })
  .meta({ id: "CampaignCreate" });
export type CampaignCreate = z.infer<typeof campaignCreate>;

export const campaignUpdate = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    template_id: z.uuid().optional(),
    category: categorySchema.optional(),
    audience: audienceSchema.optional(),
    send_at: z.iso.datetime({ offset: true }).nullable().optional(),
    local_time: z.boolean().optional(),
    throttle_per_minute: z.number().int().min(1).max(1_000_000).nullable().optional(),
  })
  .meta({ id: "CampaignUpdate" });
export type CampaignUpdate = z.infer<typeof campaignUpdate>;

export const campaignQuery = listQuery.extend({
  status: z.string().optional(),
  channel: z.enum(["email", "sms"]).optional(),
});

export const audiencePreview = z
  .object({ channel: z.enum(["email", "sms"]), audience: audienceSchema, template_id: z.uuid().optional() })
  .meta({ id: "AudiencePreviewRequest" });

export const statsJson = z
  .object({
    targeted: z.number(),
    queued: z.number(),
    sent: z.number(),
    delivered: z.number(),
    failed: z.number(),
    rejected: z.number(),
    rejected_by_reason: z.record(z.string(), z.number()),
    opened: z.number(),
    clicked: z.number(),
    unsubscribed: z.number(),
    cost: z.number(),
    currency: z.string().nullable(),
    in_flight_at_crash: z.number(),
    cancelled: z.number(),
    progress: z.number().describe("Share of targeted messages no longer waiting (0–1)"),
  })
  .meta({ id: "CampaignStats" });
export type CampaignStats = z.infer<typeof statsJson>;

export const campaignJson = z
  .object({
    id: z.uuid(),
    name: z.string(),
    channel: z.enum(["email", "sms"]),
    template_id: z.string().nullable(),
    category: z.string(),
    audience: z.object({ list_ids: z.array(z.string()), filter: audienceFilter.nullable() }),
    send_at: z.string().nullable(),
    local_time: z.boolean(),
    throttle_per_minute: z.number().nullable(),
    status: z.enum(["draft", "scheduled", "running", "paused", "completed", "cancelled"]),
    stats: statsJson,
    launched_at: z.string().nullable(),
    completed_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "Campaign" });

export function toCampaignJson(c: Campaign, stats: CampaignStats): z.infer<typeof campaignJson> {
  return {
    id: c.id,
    name: c.name,
    channel: c.channel,
    template_id: c.templateId,
    category: c.category,
    audience: { list_ids: c.audience.list_ids, filter: c.audience.filter },
    send_at: c.sendAt?.toISOString() ?? null,
    local_time: c.localTime,
    throttle_per_minute: c.throttlePerMinute,
    status: c.status,
    stats,
    launched_at: c.launchedAt?.toISOString() ?? null,
    completed_at: c.completedAt?.toISOString() ?? null,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}
