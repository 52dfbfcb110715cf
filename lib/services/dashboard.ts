import { and, count, eq, gte, inArray, isNull, sql } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { apiKeys, auditLog, memberships, messages } from "@/lib/db/schema";
import type { Ctx } from "@/lib/services/context";

/** Headline counts for the dashboard; areas add theirs as they land. */
export async function dashboardCounts({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx, "dashboards:read");
  const db = await getDb();
  const weekAgo = new Date(Date.now() - 7 * 24 * 3600 * 1000);
  const [[members], [keys], [changes], [sent]] = await Promise.all([
    db.select({ n: count() }).from(memberships).where(eq(memberships.orgId, ctx.orgId)),
    db
      .select({ n: count() })
      .from(apiKeys)
      .where(and(eq(apiKeys.orgId, ctx.orgId), isNull(apiKeys.revokedAt))),
    db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.orgId, ctx.orgId), gte(auditLog.createdAt, weekAgo))),
    db
      .select({
        total: count(),
        delivered: sql<number>`count(*) filter (where ${inArray(messages.status, ["sent", "delivered"])})::int`,
        failed: sql<number>`count(*) filter (where ${inArray(messages.status, ["failed", "bounced", "undelivered", "rejected"])})::int`,
        cost: sql<number>`coalesce(sum(${messages.cost}), 0)::float`,
      })
      .from(messages)
      .where(and(eq(messages.orgId, ctx.orgId), gte(messages.createdAt, weekAgo))),
  ]);
  return {
    members: members?.n ?? 0,
    activeApiKeys: keys?.n ?? 0,
    changesLast7Days: changes?.n ?? 0,
    messagesLast7Days: sent?.total ?? 0,
    sentLast7Days: sent?.delivered ?? 0,
    failedLast7Days: sent?.failed ?? 0,
    costLast7Days: sent?.cost ?? 0,
  };
}
