import { z } from "zod";
import { categorySchema } from "./templates";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      message: "must be a real calendar date",
    },
  );
const amount = z
  .number({ error: "must be a number" })
  .positive({ message: "must be greater than 0" })
  .max(1e12, { message: "is too large" })
  .refine((n) => Number(n.toFixed(6)) === n, { message: "may have at most 6 decimals" });

export const dateRangeQuery = z
  .object({ start_date: day.optional(), end_date: day.optional() })
  .refine((q) => !q.start_date || !q.end_date || q.start_date <= q.end_date, {
    message: "must not be after end_date",
    path: ["start_date"],
  });

export const costSummaryQuery = z
  .object({
    start_date: day.optional(),
    end_date: day.optional(),
    group_by: z
      .enum(["day", "provider", "channel", "category", "campaign", "template"])
      .default("day")
      .describe("template is an extension beyond SPEC §8's list"),
    channel: z
      .enum(["email", "sms"], { message: "must be email or sms" })
      .optional()
      .describe("only this channel (extension: a budget's burn)"),
    category: categorySchema.optional().describe("only this category (extension: a budget's burn)"),
  })
  .refine((q) => !q.start_date || !q.end_date || q.start_date <= q.end_date, {
    message: "must not be after end_date",
    path: ["start_date"],
  });
export type CostSummaryQuery = z.infer<typeof costSummaryQuery>;

export const costSummaryJson = z
  .object({
    currency: z.string(),
    start_date: z.string(),
    end_date: z.string(),
    total: z.number(),
    estimated_total: z.number(),
    provider_total: z.number(),
    messages: z.number(),
    segments: z.number(),
    groups: z.array(
      z.object({
        key: z.string(),
        label: z.string(),
        messages: z.number(),
        segments: z.number(),
        cost: z.number(),
      }),
    ),
    series: z
      .array(
        z.object({
          date: z.string(),
          key: z.string(),
          label: z.string(),
          cost: z.number(),
          messages: z.number(),
        }),
      )
      .describe("Per day and group (for stacked charts); empty when group_by is day"),
    other_currencies: z
      .array(z.object({ currency: z.string(), total: z.number() }))
      .describe("Costs recorded in another currency (per-provider currencies shown as they are)"),
  })
  .meta({ id: "CostSummary" });

const thresholds = z
  .array(z.number().int().min(1, { message: "must be 1–1000" }).max(1000, { message: "must be 1–1000" }))
  .max(10)
  .transform((t) => [...new Set(t)].sort((a, b) => a - b));
const budgetFields = {
  name: z.string().trim().min(1, { message: "is required" }).max(200),
  amount,
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, "must be a 3-letter currency code")
    .transform((c) => c.toUpperCase()),
  period: z.literal("month", { message: 'must be "month"' }),
  channel: z.enum(["email", "sms"]).nullable(),
  category: z.string().trim().min(1).max(100).nullable(),
  thresholds,
  alert_emails: z.array(z.email({ message: "must be an email address" })).max(50),
  hard_stop: z.boolean(),
};
export const budgetCreate = z
  .object({
    ...budgetFields,
    period: budgetFields.period.default("month"),
    channel: budgetFields.channel.optional().default(null),
    category: budgetFields.category.optional().default(null),
    thresholds: thresholds.default([50, 80, 100]),
    alert_emails: budgetFields.alert_emails.default([]),
    hard_stop: budgetFields.hard_stop.default(false),
  })
  .meta({ id: "BudgetCreate" });
export type BudgetCreate = z.infer<typeof budgetCreate>;
export const budgetUpdate = z.object(budgetFields).partial().meta({ id: "BudgetUpdate" });
export type BudgetUpdate = z.infer<typeof budgetUpdate>;

export const budgetJson = z
  .object({
    id: z.uuid(),
    name: z.string(),
    amount: z.number(),
    currency: z.string(),
    period: z.literal("month"),
    channel: z.enum(["email", "sms"]).nullable(),
    category: z.string().nullable(),
    thresholds: z.array(z.number()),
    alert_emails: z.array(z.string()),
    hard_stop: z.boolean(),
    period_start: z.string(),
    period_end: z.string(),
    spent: z.number(),
    reserved: z.number(),
    remaining: z.number(),
    projected_total: z.number(),
    projection: z.string().describe('In words, e.g. "at this rate 100 % on the 23rd"'),
    alerts_sent: z.array(z.object({ threshold: z.number(), period: z.string(), at: z.string() })),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "Budget" });
export type BudgetJson = z.infer<typeof budgetJson>;

const statusCounts = z.record(z.string(), z.number());
const channelStats = z.object({ email: statusCounts, sms: statusCounts, total: z.number() });
export const statsJson = z
  .object({ today: channelStats, last_7_days: channelStats, last_30_days: channelStats })
  .meta({ id: "Stats" });

const deliveryGroup = z.object({
  key: z.string(),
  label: z.string(),
  total: z.number(),
  delivered: z.number(),
  failed: z.number(),
  delivery_rate: z.number(),
  avg_delivery_s: z.number().nullable(),
});
export const deliveryMetricsJson = z
  .object({
    start_date: z.string(),
    end_date: z.string(),
    total: z.number(),
    delivered: z.number(),
    failed: z.number(),
    delivery_rate: z.number(),
    avg_delivery_s: z.number().nullable(),
    p50_delivery_s: z.number().nullable(),
    p95_delivery_s: z.number().nullable(),
    by_provider: z.array(deliveryGroup),
    by_channel: z.array(deliveryGroup),
    by_day: z.array(
      z.object({
        date: z.string(),
        total: z.number(),
        delivered: z.number(),
        failed: z.number(),
        delivery_rate: z.number(),
      }),
    ),
  })
  .meta({ id: "DeliveryMetrics" });

export const realTimeQuery = z.object({
  limit: z.coerce
    .number({ error: "must be a number" })
    .int({ message: "must be a whole number" })
    .min(1, { message: "must be 1–200" })
    .max(200, { message: "must be 1–200" })
    .default(50),
});
export const realTimeJson = z
  .object({
    data: z.array(
      z.object({
        message_id: z.string(),
        type: z.string(),
        at: z.string(),
        channel: z.string(),
        to: z.string(),
        status: z.string(),
        provider_type: z.string().nullable(),
        error: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: "DeliveryRealTime" });

export const compareQuery = z.object({
  days: z.coerce
    .number({ error: "must be a number" })
    .int({ message: "must be a whole number" })
    .min(1, { message: "must be 1–366" })
    .max(366, { message: "must be 1–366" })
    .default(30),
});
export const providerCompareJson = z
  .object({
    days: z.number(),
    data: z.array(
      z.object({
        provider_id: z.string(),
        name: z.string(),
        type: z.string(),
        channel: z.string(),
        messages: z.number(),
        delivered: z.number(),
        delivery_rate: z.number(),
        failed: z.number(),
        cost: z.number(),
        currency: z.string().nullable(),
        cost_per_delivered: z.number().nullable(),
        p50_delivery_s: z.number().nullable(),
        p95_delivery_s: z.number().nullable(),
        failover_share: z.number(),
        error_mix: z.record(z.string(), z.number()),
      }),
    ),
  })
  .meta({ id: "ProviderComparison" });

export const balanceJson = z
  .object({ provider_id: z.string(), amount: z.number(), currency: z.string(), at: z.string() })
  .meta({ id: "ProviderBalance" });
