import { and, eq, lte, or } from "drizzle-orm";
import type { OutgoingEvent } from "@/inngest/events";
import { getDb } from "@/lib/db";
import { messages } from "@/lib/db/schema";
import { emit } from "@/lib/jobs/emit";

/** The event that asks for a message to be sent; its id is the message id, so repeats deduplicate. */
export function messageRequested(m: { id: string; orgId: string; scheduledAt: Date | null }): OutgoingEvent {
  return {
    name: "messages/message.requested",
    id: `message:${m.id}`,
    data: { messageId: m.id, orgId: m.orgId, sendAt: m.scheduledAt?.toISOString() ?? null },
  };
}

/** Re-requests queued or due scheduled messages idle for over two minutes (their event was lost). */
export async function requeueStrandedMessages(now = new Date()): Promise<{ requeued: number }> {
  const db = await getDb();
  const idleSince = new Date(now.getTime() - 2 * 60_000);
  const stranded = await db
    .select({ id: messages.id, orgId: messages.orgId, scheduledAt: messages.scheduledAt })
    .from(messages)
    .where(
      and(
        lte(messages.updatedAt, idleSince),
        or(
          eq(messages.status, "queued"),
          and(eq(messages.status, "scheduled"), lte(messages.scheduledAt, idleSince)),
        ),
      ),
    )
    .limit(1000);
  await emit(stranded.map(messageRequested));
  return { requeued: stranded.length };
}
