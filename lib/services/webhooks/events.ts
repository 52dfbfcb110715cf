import { and, eq } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { webhookEvents } from "@/lib/db/schema";
import { keyset, toPage } from "@/lib/pagination";
import type { Ctx } from "@/lib/services/context";

/** Stored provider events of the organisation, newest first (admin, for debugging). */
export async function listWebhookEvents({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { limit: number; cursor?: string; provider_id?: string; type?: string; source?: string };
}) {
  requirePermission(ctx, "providers:write");
  const db = await getDb();
  const page = keyset(webhookEvents.receivedAt, webhookEvents.id, input.cursor);
  const rows = await db
    .select()
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.orgId, ctx.orgId),
        input.provider_id ? eq(webhookEvents.providerId, input.provider_id) : undefined,
        input.type ? eq(webhookEvents.type, input.type) : undefined,
        input.source ? eq(webhookEvents.source, input.source) : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  const p = toPage(
    rows.map((r) => ({ ...r, createdAt: r.receivedAt })),
    input.limit,
  );
  return {
    data: p.data.map((e) => ({
      id: e.id,
      provider_id: e.providerId,
      source: e.source,
      event_id: e.eventId,
      type: e.type,
      message_id: e.messageId,
      payload: e.payload,
      received_at: e.receivedAt.toISOString(),
    })),
    next_cursor: p.nextCursor,
  };
}
