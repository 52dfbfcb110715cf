import { z } from "zod";
import type { ReportRun, ReportSchedule } from "@/lib/db/schema";
import { REPORT_FORMATS, REPORT_FREQUENCIES, REPORT_TYPES } from "@/lib/format/report-kinds";
import { isoDate } from "./common";
import { emailSchema } from "./users";

export const reportTypeSchema = z.enum(REPORT_TYPES);
export const reportFormatSchema = z.enum(REPORT_FORMATS, { message: "must be json, csv or pdf" });

const instant = z
  .string()
  .trim()
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)),
    {
      message: "must be a date (YYYY-MM-DD) or an ISO 8601 time",
    },
  );

export const MAX_REPORT_DAYS = 731;

export const reportQuery = z
  .object({
    days: z.coerce
      .number({ message: "must be a whole number of days" })
      .int("must be a whole number of days")
      .min(1, "must be at least 1")
      .max(MAX_REPORT_DAYS, `must be at most ${MAX_REPORT_DAYS}`)
      .optional()
      .describe("The last N days up to now (default 30); ignored when since is given"),
    since: instant.optional().describe("Start of the range (inclusive)"),
    until: instant.optional().describe("End of the range (exclusive; default now)"),
    format: reportFormatSchema.default("json"),
    campaign_id: z.uuid({ message: "must be a campaign id" }).optional(),
  })
  .meta({ id: "ReportQuery" });
export type ReportQuery = z.infer<typeof reportQuery>;

const ymd = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), "must be a real date");

export const costReportQuery = z
  .object({
    start_date: ymd.optional().describe("First day (UTC, inclusive); default the first of this month"),
    end_date: ymd.optional().describe("Last day (UTC, inclusive); default today"),
    format: reportFormatSchema.default("json"),
  })
  .meta({ id: "CostReportQuery" });
export type CostReportQuery = z.infer<typeof costReportQuery>;

export const reportJson = z
  .object({
    type: z.string(),
    since: z.string(),
    until: z.string(),
    generated_at: z.string(),
    currency: z.string(),
    rows: z.array(z.record(z.string(), z.unknown())),
    totals: z.record(z.string(), z.unknown()),
    truncated: z.boolean().optional().describe("JSON lists at most 10,000 rows; the CSV has them all"),
  })
  .catchall(z.unknown())
  .meta({ id: "Report" });

const recipients = z
  .array(emailSchema, { message: "must be a list of email addresses" })
  .min(1, "must list at least one email address")
  .max(50, "must list at most 50 addresses");

const params = z.object({
  days: z.coerce
    .number({ message: "must be a whole number of days" })
    .int("must be a whole number of days")
    .min(1, "must be at least 1")
    .max(MAX_REPORT_DAYS, `must be at most ${MAX_REPORT_DAYS}`),
  campaign_id: z.uuid({ message: "must be a campaign id" }).optional(),
});

export const scheduleCreate = z
  .object({
    report_type: z.enum(REPORT_TYPES, {
      message: "must be one of campaign, message, conversation, audit, summary, cost",
    }),
    format: reportFormatSchema.default("pdf"),
    frequency: z.enum(REPORT_FREQUENCIES, { message: "must be daily, weekly or monthly" }),
    recipients,
    params: params.default({ days: 7 }),
    enabled: z.boolean().default(true),
    next_run_at: z.iso
      .datetime({ offset: true, message: "must be an ISO 8601 time" })
      .optional()
      .describe("First run; default the next 06:00 UTC"),
  })
  .meta({ id: "ReportScheduleCreate" });
export type ScheduleCreate = z.infer<typeof scheduleCreate>;

export const scheduleUpdate = z
  .object({
    report_type: scheduleCreate.shape.report_type.optional(),
    format: reportFormatSchema.optional(),
    frequency: scheduleCreate.shape.frequency.optional(),
    recipients: recipients.optional(),
    params: params.optional(),
    enabled: z.boolean().optional(),
    next_run_at: z.iso.datetime({ offset: true, message: "must be an ISO 8601 time" }).optional(),
  })
  .meta({ id: "ReportScheduleUpdate" });
export type ScheduleUpdate = z.infer<typeof scheduleUpdate>;

const lastRun = z.object({
  at: z.string(),
  status: z.enum(["succeeded", "failed"]),
  error: z.string().nullable(),
});

export const scheduleJson = z
  .object({
    id: z.uuid(),
    report_type: reportTypeSchema,
    format: reportFormatSchema,
    frequency: z.enum(REPORT_FREQUENCIES),
    recipients: z.array(z.string()),
    params: z.object({ days: z.number(), campaign_id: z.string().optional() }),
    enabled: z.boolean(),
    next_run_at: z.string(),
    last_run: lastRun.nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "ReportSchedule" });
export type ScheduleJson = z.infer<typeof scheduleJson>;

export const runJson = z
  .object({
    id: z.uuid(),
    schedule_id: z.uuid(),
    trigger: z.enum(["schedule", "manual"]),
    status: z.enum(["running", "succeeded", "failed"]),
    error: z.string().nullable(),
    delivery: z.string().nullable().describe('"attachment" (up to 5 MB) or "link"'),
    size: z.number().nullable(),
    file_id: z.string().nullable(),
    started_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: "ReportRun" });
export type RunJson = z.infer<typeof runJson>;

export function toRunJson(r: ReportRun): RunJson {
  return {
    id: r.id,
    schedule_id: r.scheduleId,
    trigger: r.trigger,
    status: r.status,
    error: r.error,
    delivery: r.delivery,
    size: r.size,
    file_id: r.fileId,
    started_at: r.startedAt.toISOString(),
    finished_at: isoDate(r.finishedAt),
  };
}

export function toScheduleJson(s: ReportSchedule, last: ReportRun | null | undefined): ScheduleJson {
  return {
    id: s.id,
    report_type: s.reportType,
    format: s.format,
    frequency: s.frequency,
    recipients: s.recipients,
    params: s.params,
    enabled: s.enabled,
    next_run_at: s.nextRunAt.toISOString(),
    last_run:
      last && last.status !== "running"
        ? { at: (last.finishedAt ?? last.startedAt).toISOString(), status: last.status, error: last.error }
        : null,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}
