import type { Executor } from "@/lib/db";
import { messageEvents } from "@/lib/db/schema";

/** Appends an event (status change, opened, clicked, …) to a message's timeline. */
export async function addMessageEvent(
  db: Executor,
  orgId: string,
  messageId: string,
  type: string,
  data?: Record<string, unknown>,
): Promise<void> {
  await db.insert(messageEvents).values({ orgId, messageId, type, data: data ?? null });
}
