import {
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { organisations, users } from "./organisations";

const bytea = customType<{ data: Buffer }>({ dataType: () => "bytea" });

import { REPORT_FREQUENCIES, type ReportFormat, type ReportType } from "@/lib/format/report-kinds";

export {
  REPORT_FORMATS,
  REPORT_FREQUENCIES,
  REPORT_TYPES,
  type ReportFormat,
  type ReportFrequency,
  type ReportType,
} from "@/lib/format/report-kinds";

export const reportFrequencyEnum = pgEnum("report_frequency", REPORT_FREQUENCIES);
export const reportRunStatusEnum = pgEnum("report_run_status", ["running", "succeeded", "failed"]);

/** A report generated and emailed on a schedule (SPEC §8). */
export const reportSchedules = pgTable(
  "report_schedules",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    reportType: text().$type<ReportType>().notNull(),
    format: text().$type<ReportFormat>().notNull(),
    frequency: reportFrequencyEnum().notNull(),
    recipients: jsonb().$type<string[]>().notNull(),
    params: jsonb().$type<{ days: number; campaign_id?: string }>().notNull(),
    enabled: boolean().notNull().default(true),
    nextRunAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    createdByUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    ...timestamps,
  },
  (t) => [
    index("report_schedules_org_idx").on(t.orgId, t.createdAt, t.id),
    index("report_schedules_due_idx").on(t.enabled, t.nextRunAt),
  ],
);

/**
 * A generated report file. The bytes live in the database (bytea), so every app
 * instance can serve a download link and a backup keeps them; deleted after 90 days.
 */
export const reportFiles = pgTable(
  "report_files",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    filename: text().notNull(),
    contentType: text().notNull(),
    size: integer().notNull(),
    content: bytea().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index("report_files_org_idx").on(t.orgId, t.createdAt),
    index("report_files_created_idx").on(t.createdAt),
  ],
);

/** One run of a schedule (by the cron or "send now"), kept as its history. */
export const reportRuns = pgTable(
  "report_runs",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    scheduleId: uuid()
      .notNull()
      .references(() => reportSchedules.id, { onDelete: "cascade" }),
    trigger: text().$type<"schedule" | "manual">().notNull(),
    status: reportRunStatusEnum().notNull().default("running"),
    error: text(),
    fileId: uuid().references(() => reportFiles.id, { onDelete: "set null" }),
    /** How the file reached the recipients: "attachment" (≤ 5 MB) or "link". */
    delivery: text(),
    size: integer(),
    messageIds: jsonb().$type<string[]>(),
    startedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    finishedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (t) => [index("report_runs_schedule_idx").on(t.scheduleId, t.startedAt)],
);

export type ReportSchedule = typeof reportSchedules.$inferSelect;
export type ReportRun = typeof reportRuns.$inferSelect;
export type ReportFile = typeof reportFiles.$inferSelect;
