import { and, desc, eq, inArray, lte, sql } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { type Executor, getDb } from "@/lib/db";
import {
  providers,
  type ReportFrequency,
  type ReportRun,
  type ReportSchedule,
  reportFiles,
  reportRuns,
  reportSchedules,
} from "@/lib/db/schema";
import { AppError, isAppError } from "@/lib/errors";
import { log } from "@/lib/logger";
import { keyset, type Page, toPage } from "@/lib/pagination";
import { diff, recordAudit } from "@/lib/services/audit/record";
import { getCampaignInOrg } from "@/lib/services/campaigns/campaigns";
import { type Ctx, systemCtx } from "@/lib/services/context";
import { sendEmail } from "@/lib/services/messages/send";
import type { ScheduleCreate, ScheduleUpdate } from "@/lib/validation/reports";
import { reportFileToken, reportFileUrl } from "./file-token";
import { generateReport, REPORT_TITLES, reportBytes, resolveRange } from "./report";

/** Reports up to this size are attached to the email; larger ones are sent as a signed link. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

/** The next run after `from` at the schedule's frequency (UTC calendar). */
export function nextRunAfter(frequency: ReportFrequency, from: Date): Date {
  const d = new Date(from);
  if (frequency === "daily") d.setUTCDate(d.getUTCDate() + 1);
  else if (frequency === "weekly") d.setUTCDate(d.getUTCDate() + 7);
  else d.setUTCMonth(d.getUTCMonth() + 1);
  return d;
}

/** The next 06:00 UTC after now: the default first run. */
export function defaultFirstRun(now: Date = new Date()): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 6));
  return d.getTime() > now.getTime() ? d : new Date(d.getTime() + 24 * 60 * 60 * 1000);
}

export async function getScheduleInOrg(db: Executor, ctx: Ctx, id: string): Promise<ReportSchedule> {
  const [s] = await db
    .select()
    .from(reportSchedules)
    .where(and(eq(reportSchedules.id, id), eq(reportSchedules.orgId, ctx.orgId)));
  if (!s) throw AppError.notFound("Report schedule");
  return s;
}

/** The newest finished run of each schedule. */
export async function lastRuns(db: Executor, ids: string[]): Promise<Map<string, ReportRun>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectDistinctOn([reportRuns.scheduleId])
    .from(reportRuns)
    .where(and(inArray(reportRuns.scheduleId, ids), sql`${reportRuns.status} <> 'running'`))
    .orderBy(reportRuns.scheduleId, desc(reportRuns.startedAt));
  return new Map(rows.map((r) => [r.scheduleId, r]));
}

async function checkCampaign(db: Executor, ctx: Ctx, type: string, campaignId: string | undefined) {
  if (!campaignId) return;
  if (type !== "campaign") {
    throw AppError.validation([
      { field: "params.campaign_id", message: "applies only to the campaign report" },
    ]);
  }
  // Another organisation's campaign is a 404, like naming it in a report's query.
  await getCampaignInOrg(db, ctx, campaignId);
}

/** Scheduled reports of the organisation, newest first, each with its last run. */
export async function listSchedules({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { limit: number; cursor?: string | undefined };
}): Promise<Page<ReportSchedule> & { last: Map<string, ReportRun> }> {
  requirePermission(ctx, "reports:read");
  const db = await getDb();
  const page = keyset(reportSchedules.createdAt, reportSchedules.id, input.cursor);
  const rows = await db
    .select()
    .from(reportSchedules)
    .where(and(eq(reportSchedules.orgId, ctx.orgId), page.where))
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  const p = toPage(rows, input.limit);
  return {
    ...p,
    last: await lastRuns(
      db,
      p.data.map((s) => s.id),
    ),
  };
}

/** One schedule with its last run. */
export async function getSchedule({ ctx, id }: { ctx: Ctx; id: string }) {
  requirePermission(ctx, "reports:read");
  const db = await getDb();
  const s = await getScheduleInOrg(db, ctx, id);
  return { schedule: s, last: (await lastRuns(db, [s.id])).get(s.id) ?? null };
}

/** Creates a scheduled report (audited). */
export async function createSchedule({
  ctx,
  input,
  now = new Date(),
}: {
  ctx: Ctx;
  input: ScheduleCreate;
  now?: Date;
}) {
  requirePermission(ctx, "reports:read");
  const db = await getDb();
  await checkCampaign(db, ctx, input.report_type, input.params.campaign_id);
  return db.transaction(async (tx) => {
    const [s] = await tx
      .insert(reportSchedules)
      .values({
        orgId: ctx.orgId,
        reportType: input.report_type,
        format: input.format,
        frequency: input.frequency,
        recipients: input.recipients,
        params: input.params,
        enabled: input.enabled,
        nextRunAt: input.next_run_at ? new Date(input.next_run_at) : defaultFirstRun(now),
        createdByUserId: ctx.actor.type === "user" ? ctx.actor.id : null,
      })
      .returning();
    if (!s) throw new AppError("internal_error", "schedule could not be stored");
    await recordAudit(tx, ctx, {
      action: "report_schedule.created",
      resourceType: "report_schedule",
      resourceId: s.id,
      changes: {
        report_type: s.reportType,
        format: s.format,
        frequency: s.frequency,
        recipients: s.recipients,
      },
    });
    return { schedule: s, last: null };
  });
}

/** Changes a scheduled report (audited); a new frequency keeps the next run unless one is given. */
export async function updateSchedule({ ctx, id, input }: { ctx: Ctx; id: string; input: ScheduleUpdate }) {
  requirePermission(ctx, "reports:read");
  const db = await getDb();
  const before = await getScheduleInOrg(db, ctx, id);
  const type = input.report_type ?? before.reportType;
  const params = input.params ?? before.params;
  await checkCampaign(db, ctx, type, params.campaign_id);
  return db.transaction(async (tx) => {
    const values = {
      reportType: type,
      format: input.format ?? before.format,
      frequency: input.frequency ?? before.frequency,
      recipients: input.recipients ?? before.recipients,
      params,
      enabled: input.enabled ?? before.enabled,
      nextRunAt: input.next_run_at ? new Date(input.next_run_at) : before.nextRunAt,
    };
    const [s] = await tx
      .update(reportSchedules)
      .set(values)
      .where(and(eq(reportSchedules.id, id), eq(reportSchedules.orgId, ctx.orgId)))
      .returning();
    if (!s) throw AppError.notFound("Report schedule");
    const changes = diff(before as unknown as Record<string, unknown>, values);
    if (Object.keys(changes).length) {
      await recordAudit(tx, ctx, {
        action: "report_schedule.updated",
        resourceType: "report_schedule",
        resourceId: id,
        changes,
      });
    }
    return { schedule: s, last: (await lastRuns(tx, [s.id])).get(s.id) ?? null };
  });
}

/** Deletes a schedule and its run history (generated files stay until their 90 days pass). */
export async function deleteSchedule({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  requirePermission(ctx, "reports:read");
  const db = await getDb();
  await db.transaction(async (tx) => {
    const [s] = await tx
      .delete(reportSchedules)
      .where(and(eq(reportSchedules.id, id), eq(reportSchedules.orgId, ctx.orgId)))
      .returning();
    if (!s) throw AppError.notFound("Report schedule");
    await recordAudit(tx, ctx, {
      action: "report_schedule.deleted",
      resourceType: "report_schedule",
      resourceId: id,
      changes: { report_type: s.reportType, recipients: s.recipients },
    });
  });
}

/** The schedule's runs, newest first. */
export async function listRuns({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: { limit: number; cursor?: string | undefined };
}): Promise<Page<ReportRun>> {
  requirePermission(ctx, "reports:read");
  const db = await getDb();
  await getScheduleInOrg(db, ctx, id);
  const page = keyset(reportRuns.startedAt, reportRuns.id, input.cursor);
  const rows = await db
    .select()
    .from(reportRuns)
    .where(and(eq(reportRuns.scheduleId, id), eq(reportRuns.orgId, ctx.orgId), page.where))
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  const p = toPage(
    rows.map((r) => ({ ...r, createdAt: r.startedAt })),
    input.limit,
  );
  return p;
}

function errorText(e: unknown): string {
  if (isAppError(e)) {
    const details = Array.isArray(e.details)
      ? (e.details as { field?: string; message?: string }[])
          .map((d) => [d.field, d.message].filter(Boolean).join(" "))
          .join("; ")
      : "";
    return details ? `${e.message}: ${details}` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

/**
 * Generates the schedule's report, stores the file, and emails it to each
 * recipient through the organisation's own email providers: attached up to
 * 5 MB, as a signed expiring link above. The run (and a failure's reason) is kept.
 */
export async function executeSchedule(
  schedule: ReportSchedule,
  trigger: "schedule" | "manual",
  now: Date = new Date(),
): Promise<ReportRun> {
  const db = await getDb();
  const ctx = systemCtx(schedule.orgId, "scheduled report");
  const [run] = await db
    .insert(reportRuns)
    .values({ orgId: schedule.orgId, scheduleId: schedule.id, trigger, startedAt: now })
    .returning();
  if (!run) throw new AppError("internal_error", "run could not be stored");
  const finish = async (values: Partial<typeof reportRuns.$inferInsert>) => {
    const [r] = await db
      .update(reportRuns)
      .set({ ...values, finishedAt: new Date() })
      .where(eq(reportRuns.id, run.id))
      .returning();
    return r ?? run;
  };
  try {
    const [emailProvider] = await db
      .select({ id: providers.id })
      .from(providers)
      .where(
        and(eq(providers.orgId, schedule.orgId), eq(providers.channel, "email"), eq(providers.enabled, true)),
      )
      .limit(1);
    if (!emailProvider)
      throw new Error("The organisation has no enabled email provider to send the report with");
    const range = resolveRange({ days: schedule.params.days }, now);
    const report = await generateReport({
      ctx,
      now,
      request: {
        type: schedule.reportType,
        range,
        format: schedule.format,
        campaignId: schedule.params.campaign_id,
      },
    });
    const { bytes, contentType } = await reportBytes(report);
    const [file] = await db
      .insert(reportFiles)
      .values({
        orgId: schedule.orgId,
        filename: report.filename,
        contentType,
        size: bytes.length,
        content: bytes,
        createdAt: now,
      })
      .returning({ id: reportFiles.id, orgId: reportFiles.orgId });
    if (!file) throw new Error("the report file could not be stored");
    const attach = bytes.length <= MAX_ATTACHMENT_BYTES;
    const title = REPORT_TITLES[schedule.reportType];
    const period = `${range.since.toISOString().slice(0, 10)} to ${range.until.toISOString().slice(0, 10)}`;
    const link = attach ? null : reportFileUrl(reportFileToken(file, now));
    const text = attach
      ? `Your ${schedule.frequency} ${title.toLowerCase()} for ${period} is attached (${report.filename}).`
      : `Your ${schedule.frequency} ${title.toLowerCase()} for ${period} is ${(bytes.length / 1024 / 1024).toFixed(1)} MB, too large to attach. Download it within 7 days: ${link}`;
    const messageIds: string[] = [];
    const failures: string[] = [];
    for (const to of schedule.recipients) {
      try {
        const m = await sendEmail({
          ctx,
          input: {
            to,
            subject: `${title}: ${period}`,
            text,
            category: "transactional",
            metadata: { report_schedule_id: schedule.id, report_run_id: run.id },
            ...(attach
              ? {
                  attachments: [
                    {
                      filename: report.filename,
                      content_type: contentType.split(";")[0] ?? contentType,
                      content_base64: bytes.toString("base64"),
                    },
                  ],
                }
              : {}),
          },
        });
        messageIds.push(m.id);
      } catch (e) {
        failures.push(`${to}: ${errorText(e)}`);
      }
    }
    return await finish({
      status: failures.length ? "failed" : "succeeded",
      error: failures.length ? `Not sent to ${failures.join("; ")}` : null,
      fileId: file.id,
      delivery: attach ? "attachment" : "link",
      size: bytes.length,
      messageIds,
    });
  } catch (e) {
    log.warn("scheduled report failed", { scheduleId: schedule.id, error: e });
    return finish({ status: "failed", error: errorText(e) });
  }
}

/** Send now: runs the schedule at once, keeping its next scheduled run. */
export async function runScheduleNow({ ctx, id, now = new Date() }: { ctx: Ctx; id: string; now?: Date }) {
  requirePermission(ctx, "reports:read");
  const db = await getDb();
  const s = await getScheduleInOrg(db, ctx, id);
  const run = await executeSchedule(s, "manual", now);
  await recordAudit(db, ctx, {
    action: "report_schedule.run",
    resourceType: "report_schedule",
    resourceId: id,
    changes: { run_id: run.id, status: run.status },
  });
  return run;
}

/**
 * Runs every enabled schedule whose next run is due at `now`. Each is claimed by
 * moving its next_run_at forward in one conditional UPDATE, so two instances
 * (or a retried cron) never send the same report twice.
 */
export async function runDueSchedules(now: Date = new Date(), limit = 50) {
  const db = await getDb();
  const due = await db
    .select()
    .from(reportSchedules)
    .where(and(eq(reportSchedules.enabled, true), lte(reportSchedules.nextRunAt, now)))
    .orderBy(reportSchedules.nextRunAt)
    .limit(limit);
  const runs: ReportRun[] = [];
  for (const s of due) {
    let next = nextRunAfter(s.frequency, s.nextRunAt);
    // A schedule that missed several runs (server down) runs once, then resumes its rhythm.
    while (next.getTime() <= now.getTime()) next = nextRunAfter(s.frequency, next);
    const [claimed] = await db
      .update(reportSchedules)
      .set({ nextRunAt: next })
      .where(and(eq(reportSchedules.id, s.id), eq(reportSchedules.nextRunAt, s.nextRunAt)))
      .returning();
    if (!claimed) continue;
    runs.push(await executeSchedule(claimed, "schedule", now));
  }
  return { due: due.length, ran: runs.length, failed: runs.filter((r) => r.status === "failed").length };
}
