import { lt } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { webhookNonces } from "@/lib/db/schema";
import { TIMESTAMP_TOLERANCE_S } from "@/lib/providers/webhook-body";

/**
 * Deletes single-use signature values older than twice the signatures' freshness
 * window: a signature that old is refused as stale before its nonce is looked at,
 * so the row can no longer stop anything.
 */
export async function pruneWebhookNonces(now = new Date()): Promise<{ deleted: number }> {
  const db = await getDb();
  const before = new Date(now.getTime() - 2 * TIMESTAMP_TOLERANCE_S * 1000);
  const gone = await db
    .delete(webhookNonces)
    .where(lt(webhookNonces.createdAt, before))
    .returning({ id: webhookNonces.id });
  return { deleted: gone.length };
}
