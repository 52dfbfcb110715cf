import { and, eq, gte, lte } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { type AuditEntry, auditLog } from "@/lib/db/schema";
import { keyset, type Page, toPage } from "@/lib/pagination";
import type { Ctx } from "@/lib/services/context";
import type { AuditLogQuery } from "@/lib/validation/audit";

/** Lists the organisation's audit log, newest first, with filters and cursor paging. */
export async function listAuditLogs({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: AuditLogQuery;
}): Promise<Page<AuditEntry>> {
  requirePermission(ctx, "audit:read");
  const db = await getDb();
  const page = keyset(auditLog.createdAt, auditLog.id, input.cursor);
  const rows = await db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.orgId, ctx.orgId),
        input.action ? eq(auditLog.action, input.action) : undefined,
        input.actor_type ? eq(auditLog.actorType, input.actor_type) : undefined,
        input.actor_id ? eq(auditLog.actorId, input.actor_id) : undefined,
        input.resource_type ? eq(auditLog.resourceType, input.resource_type) : undefined,
        input.resource_id ? eq(auditLog.resourceId, input.resource_id) : undefined,
        input.since ? gte(auditLog.createdAt, input.since) : undefined,
        input.until ? lte(auditLog.createdAt, input.until) : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  return toPage(rows, input.limit);
}
