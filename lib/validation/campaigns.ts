import { z } from "zod";
import type { Campaign } from "@/lib/db/schema";
import { CAMPAIGN_STATUSES } from "@/lib/db/schema/campaigns";
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

export const AB_METRICS = ["opens", "clicks", "delivered", "manual"] as const;

export const variantsSchema = z
  .array(
    z.object({
      name: z.string().trim().min(1, "is required").max(40, "must be at most 40 characters"),
      template_id: z.uuid({ message: "must be a template id" }),
    }),
  )
  .min(2, "must have at least 2 variants")
  .max(4, "must have at most 4 variants")
  .superRefine((vs, ctx) => {
    const seen = new Set<string>();
    vs.forEach((v, i) => {
      const key = v.name.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: [i, "name"], message: "must be unique" });
      seen.add(key);
    });
  })
  .describe("A/B test arms: 2–4, each with a unique name and a template of the campaign's channel");

export const abTestSchema = z
  .object({
    test_percent: z
      .number({ message: "must be a whole number from 1 to 99" })
      .int("must be a whole number from 1 to 99")
      .min(1, "must be at least 1")
      .max(99, "must be at most 99")
      .describe("share of the audience split evenly across the variants; the rest waits for the winner"),
    metric: z.enum(AB_METRICS, { message: "must be opens, clicks, delivered or manual" }),
    wait_minutes: z
      .number({ message: "must be a whole number of minutes" })
      .int("must be a whole number of minutes")
      .min(1, "must be at least 1")
      .max(60 * 24 * 30, "must be at most 30 days")
      .nullable()
      .optional()
      .describe("minutes after sending starts before the winner is chosen; optional for manual"),
  })
  .superRefine((a, ctx) => {
    if (a.metric !== "manual" && (a.wait_minutes === undefined || a.wait_minutes === null))
      ctx.addIssue({
        code: "custom",
        path: ["wait_minutes"],
        message: "is required unless the metric is manual",
      });
  });
export type AbTestInput = z.infer<typeof abTestSchema>;

/** Runs a refinement whenever the input is an object, even if some fields failed. */
const objectPayload = {
  when: (p: { value: unknown }) => typeof p.value === "object" && p.value !== null && !Array.isArray(p.value),
};

/** Variants and ab_test come together, or neither. */
function checkAbPair(
  c: { variants?: unknown[] | null; ab_test?: unknown | null },
  ctx: z.RefinementCtx,
  required: boolean,
) {
  const hasVariants = Array.isArray(c.variants);
  const hasTest = c.ab_test !== undefined && c.ab_test !== null;
  if (hasVariants && !hasTest && (required || c.ab_test === null))
    ctx.addIssue({ code: "custom", path: ["ab_test"], message: "is required with variants" });
  if (hasTest && !hasVariants && (required || c.variants === null))
    ctx.addIssue({ code: "custom", path: ["variants"], message: "is required with ab_test" });
}

export const campaignCreate = z
  .object({
    name: z.string().trim().min(1, "is required").max(200),
    channel: z.enum(["email", "sms"]),
    template_id: z
      .uuid({ message: "must be a template id" })
      .optional()
      .describe("required unless variants are given; defaults to the first variant's"),
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
    variants: variantsSchema.nullable().optional(),
    ab_test: abTestSchema.nullable().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.local_time && !c.send_at)
      ctx.addIssue({ code: "custom", path: ["send_at"], message: "is required with local_time" });
    if (!c.template_id && !(Array.isArray(c.variants) && c.variants.length))
      ctx.addIssue({ code: "custom", path: ["template_id"], message: "is required" });
    checkAbPair(c, ctx, true);
    // Also when other fields failed, so a missing template is named beside them.
  }, objectPayload)
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
    variants: variantsSchema.nullable().optional().describe("null turns the A/B test off"),
    ab_test: abTestSchema.nullable().optional(),
  })
  .superRefine((c, ctx) => checkAbPair(c, ctx, false))
  .meta({ id: "CampaignUpdate" });
export type CampaignUpdate = z.infer<typeof campaignUpdate>;

export const campaignQuery = listQuery.extend({
  status: z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.enum(CAMPAIGN_STATUSES, { message: `must be one or more of ${CAMPAIGN_STATUSES.join(", ")}` }),
      ),
    )
    .optional()
    .describe("one status, or several separated by commas: draft,scheduled"),
  channel: z.enum(["email", "sms"]).optional(),
});
export type CampaignQuery = z.infer<typeof campaignQuery>;

export const audiencePreview = z
  .object({
    channel: z.enum(["email", "sms"]),
    audience: audienceSchema,
    template_id: z.uuid().optional(),
    category: categorySchema.optional().describe("default: the template's category"),
    send_at: z.iso.datetime({ offset: true }).optional(),
    local_time: z.boolean().optional(),
  })
  .meta({ id: "AudiencePreviewRequest" });
export type AudiencePreview = z.infer<typeof audiencePreview>;

export const campaignDryRun = z
  .object({
    channel: z.enum(["email", "sms"]),
    template_id: z.uuid({ message: "must be a template id" }),
    category: categorySchema.optional().describe("default: the template's category"),
    audience: audienceSchema,
    send_at: z.iso.datetime({ offset: true }).nullable().optional(),
    local_time: z.boolean().optional(),
  })
  .meta({ id: "CampaignDryRunRequest" });
export type CampaignDryRun = z.infer<typeof campaignDryRun>;

export const campaignDryRunJson = z
  .object({
    targeted: z.number().describe("contacts in the audience with an address for the channel"),
    will_receive: z.number(),
    skipped: z.number(),
    skipped_by_reason: z
      .record(z.string(), z.number())
      .describe("opted_out, suppressed, missing_variables, message_too_long, …"),
    missing_variables: z.record(z.string(), z.number()).describe("variable name → contacts lacking it"),
    quiet_hours_deferred: z.number().describe("of will_receive: held until quiet hours end in their zone"),
    scheduled: z.number().describe("of will_receive: waiting for send_at"),
    estimated_cost: z.number(),
    currency: z.string().nullable(),
    fits_budgets: z.boolean().describe("false when a hard-stop budget would refuse part of the campaign"),
    budgets: z
      .array(
        z.object({
          id: z.uuid(),
          name: z.string(),
          currency: z.string(),
          remaining: z.number().describe("this period's amount less spent and reserved"),
          hard_stop: z.boolean(),
          fits: z.boolean().describe("false when the estimated cost exceeds remaining and hard_stop applies"),
        }),
      )
      .describe("budgets covering this channel and category"),
  })
  .meta({ id: "CampaignDryRun" });

export const campaignTestSend = z
  .object({
    channel: z.enum(["email", "sms"]),
    template_id: z.uuid({ message: "must be a template id" }),
    audience: audienceSchema.optional().describe("the first contact's variables fill the template"),
    to: z.string().trim().min(1, "is required").max(320).describe("your own email address or phone number"),
  })
  .superRefine((v, ctx) => {
    if (v.channel === "email" && !z.email().safeParse(v.to).success)
      ctx.addIssue({ code: "custom", path: ["to"], message: "must be an email address" });
  })
  .meta({ id: "CampaignTestSendRequest" });
export type CampaignTestSend = z.infer<typeof campaignTestSend>;

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
    waiting: z.number().describe("A/B campaigns: recipients held back until the winner is chosen"),
    variants: z
      .array(
        z.object({
          name: z.string(),
          targeted: z.number(),
          sent: z.number(),
          delivered: z.number(),
          opened: z.number(),
          clicked: z.number(),
        }),
      )
      .describe(
        "A/B campaigns: counters per variant (the winner's row includes the rollout); empty otherwise",
      ),
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
    status: z.enum(CAMPAIGN_STATUSES),
    stats: statsJson,
    variants: z.array(z.object({ name: z.string(), template_id: z.string() })).nullable(),
    ab_test: z
      .object({
        test_percent: z.number(),
        metric: z.enum(AB_METRICS),
        wait_minutes: z.number().nullable(),
      })
      .nullable(),
    winner: z.string().nullable().describe("the winning variant's name; null until chosen"),
    paused_reason: z
      .string()
      .nullable()
      .describe(
        "why the system paused the campaign: budget_exceeded when a hard-stop budget ran out; null otherwise",
      ),
    outcome: z
      .enum(["all_sent", "partial", "none_sent"])
      .nullable()
      .describe(
        "once completed: none_sent when nobody was reached (every recipient rejected or failed), partial when some were",
      ),
    launched_at: z.string().nullable(),
    completed_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "Campaign" });

/** How a completed campaign ended: whether anybody was reached. */
export function outcomeOf(
  status: Campaign["status"],
  stats: Pick<CampaignStats, "sent" | "failed" | "rejected">,
): "all_sent" | "partial" | "none_sent" | null {
  if (status !== "completed") return null;
  if (stats.sent === 0) return "none_sent";
  return stats.failed + stats.rejected > 0 ? "partial" : "all_sent";
}

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
    outcome: outcomeOf(c.status, stats),
    stats,
    variants: c.variants ?? null,
    ab_test: c.abTest ?? null,
    winner: c.winner ?? null,
    paused_reason: c.status === "paused" ? (c.pausedReason ?? null) : null,
    launched_at: c.launchedAt?.toISOString() ?? null,
    completed_at: c.completedAt?.toISOString() ?? null,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

export const pickWinner = z
  .object({ variant: z.string().trim().min(1, "is required").max(40) })
  .meta({ id: "PickWinnerRequest" });
export type PickWinner = z.infer<typeof pickWinner>;
