import { and, eq, inArray } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { messages } from "@/lib/db/schema";
import { type DeliveryOutcome, deliverGroup, NoProviderAvailable } from "./deliver-group";
import { addMessageEvent } from "./events";

export { type DeliveryOutcome, deliverGroup, type GroupOutcome, NoProviderAvailable } from "./deliver-group";
export { buildEmail, buildSms, callProvider } from "./provider-call";

/**
 * Delivers one message: a group of one through the group pipeline (providers
 * in priority order, skipping disabled ones, open circuits and those at their
 * daily limit; failover on errors that may succeed elsewhere). Throws
 * NoProviderAvailable when no provider could take it, so the job retries.
 */
export async function deliverMessage(messageId: string): Promise<DeliveryOutcome> {
  const { outcomes } = await deliverGroup({ ids: [messageId] }, { concurrency: 1 });
  const outcome = outcomes.get(messageId);
  if (outcome?.status === "unavailable") throw new NoProviderAvailable(outcome.error);
  if (outcome) return outcome;
  const db = await getDb();
  const [current] = await db
    .select({ status: messages.status })
    .from(messages)
    .where(eq(messages.id, messageId));
  if (!current) return { status: "skipped", reason: "message not found" };
  return { status: "skipped", reason: `message is ${current.status}` };
}

/** After the last retry: the message is failed with the last reason. */
export async function markDeliveryFailed(messageId: string, error: string): Promise<void> {
  const db = await getDb();
  const [row] = await db
    .update(messages)
    .set({ status: "failed", error })
    .where(and(eq(messages.id, messageId), inArray(messages.status, ["queued", "sending", "scheduled"])))
    .returning({ orgId: messages.orgId });
  if (row) await addMessageEvent(db, row.orgId, messageId, "failed", { error, reason: "retries exhausted" });
}
