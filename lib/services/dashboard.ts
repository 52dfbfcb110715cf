import { and, count, eq, gte, isNull, notInArray, sql } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { apiKeys, auditLog, memberships, messageRollups, providers } from "@/lib/db/schema";
import type { Ctx } from "@/lib/services/context";
import { freshenRollups } from "@/lib/services/rollups/refresh";

/** The start of the hour holding `d` (rollups are hourly). */
const hourAgo = (d: Date) => new Date(Math.floor(d.getTime() / 3600_000) * 3600_000);

/** Headline counts for the dashboard; areas add theirs as they land. */
export async function dashboardCounts({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx, "dashboards:read");
  const db = await getDb();
  // Fold in what changed since the last minute's refresh, so the page shows what was just sent.
  await freshenRollups(db, "dashboard");
  const weekAgo = new Date(Date.now() - 7 * 24 * 3600 * 1000);
  const [[members], [keys], [changes], [sent], [own]] = await Promise.all([
    db.select({ n: count() }).from(memberships).where(eq(memberships.orgId, ctx.orgId)),
    db
      .select({ n: count() })
      .from(apiKeys)
      .where(and(eq(apiKeys.orgId, ctx.orgId), isNull(apiKeys.revokedAt))),
    db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.orgId, ctx.orgId), gte(auditLog.createdAt, weekAgo))),
    // From the hourly rollups (kept current within a minute), never a scan of the messages.
    db
      .select({
        total: sql<number>`coalesce(sum(${messageRollups.messages}), 0)::int`,
        delivered: sql<number>`coalesce(sum(${messageRollups.sent} + ${messageRollups.delivered}), 0)::int`,
        failed: sql<number>`coalesce(sum(${messageRollups.failed} + ${messageRollups.bounced} + ${messageRollups.undelivered} + ${messageRollups.rejected}), 0)::int`,
        cost: sql<number>`coalesce(sum(${messageRollups.estimatedCost} + ${messageRollups.providerCost} + ${messageRollups.attemptCost}), 0)::float`,
      })
      .from(messageRollups)
      .where(and(eq(messageRollups.orgId, ctx.orgId), gte(messageRollups.hour, hourAgo(weekAgo)))),
    // Providers an admin added: the built-in sandbox and console deliver only to the Outbox.
    db
      .select({ n: count() })
      .from(providers)
      .where(and(eq(providers.orgId, ctx.orgId), notInArray(providers.type, ["sandbox", "console"]))),
  ]);
  return {
    members: members?.n ?? 0,
    activeApiKeys: keys?.n ?? 0,
    changesLast7Days: changes?.n ?? 0,
    messagesLast7Days: sent?.total ?? 0,
    sentLast7Days: sent?.delivered ?? 0,
    failedLast7Days: sent?.failed ?? 0,
    costLast7Days: sent?.cost ?? 0,
    realProviders: own?.n ?? 0,
  };
}
