import { isNotNull, lt, sql } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { organisations, reportFiles } from "@/lib/db/schema";
import { recordAudit } from "@/lib/services/audit/record";
import { systemCtx } from "@/lib/services/context";
import { queryRows } from "./stream";

const DAY = 24 * 60 * 60 * 1000;
/** Generated report files are kept this long (SPEC §8). */
export const REPORT_FILE_DAYS = 90;
const PURGE_BATCH = 5000;

/** Deletes generated report files older than 90 days; one audit entry per organisation. */
export async function deleteOldReportFiles(now: Date = new Date()) {
  const db = await getDb();
  const before = new Date(now.getTime() - REPORT_FILE_DAYS * DAY);
  const deleted = await db
    .delete(reportFiles)
    .where(lt(reportFiles.createdAt, before))
    .returning({ orgId: reportFiles.orgId, filename: reportFiles.filename });
  const byOrg = new Map<string, number>();
  for (const d of deleted) byOrg.set(d.orgId, (byOrg.get(d.orgId) ?? 0) + 1);
  for (const [orgId, files] of byOrg) {
    await recordAudit(db, systemCtx(orgId, "retention"), {
      action: "report_files.deleted",
      resourceType: "report_file",
      changes: { files, older_than: before.toISOString() },
    });
  }
  return { deleted: deleted.length };
}

/**
 * Empties the bodies (html, text, body, attachments, template variables) of
 * messages older than each organisation's retention_days, in batches; status,
 * counts, segments and costs stay, so reports still add up. Audited per organisation.
 */
export async function purgeMessageBodies(now: Date = new Date()) {
  const db = await getDb();
  const orgs = await db
    .select({ id: organisations.id, days: organisations.retentionDays })
    .from(organisations)
    .where(isNotNull(organisations.retentionDays));
  let total = 0;
  for (const org of orgs) {
    if (!org.days) continue;
    const before = new Date(now.getTime() - org.days * DAY);
    let purged = 0;
    for (;;) {
      const rows = await queryRows<{ n: number }>(
        db,
        sql`with batch as (
            select id from messages
            where org_id = ${org.id}::uuid and created_at < ${before.toISOString()}::timestamptz
              and (html is not null or text is not null or body is not null or attachments is not null or variables is not null)
            limit ${PURGE_BATCH}
          ), done as (
            update messages m set html = null, text = null, body = null, attachments = null, variables = null
            from batch where m.id = batch.id returning 1
          )
          select count(*)::int as n from done`,
      );
      const n = rows[0]?.n ?? 0;
      purged += n;
      if (n < PURGE_BATCH) break;
    }
    total += purged;
    if (purged) {
      await recordAudit(db, systemCtx(org.id, "retention"), {
        action: "messages.bodies_purged",
        resourceType: "message",
        changes: { messages: purged, retention_days: org.days, older_than: before.toISOString() },
      });
    }
  }
  return { purged: total };
}

/** The daily retention pass: old report files, then message bodies past retention. */
export async function runRetention(now: Date = new Date()) {
  const files = await deleteOldReportFiles(now);
  const bodies = await purgeMessageBodies(now);
  return { files_deleted: files.deleted, message_bodies_purged: bodies.purged };
}
