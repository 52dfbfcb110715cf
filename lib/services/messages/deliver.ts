import { and, eq, inArray } from "drizzle-orm";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { messages } from "@/lib/db/schema";
import { type DeliveryOutcome, deliverGroup, NoProviderAvailable } from "./deliver-group";
import { addMessageEvent } from "./events";

export { type DeliveryOutcome, deliverGroup, type GroupOutcome, NoProviderAvailable } from "./deliver-group";
export { buildEmail, buildSms, callProvider } from "./provider-call";

/** Other due messages of the organisation one run takes along (micro-batching of single sends). */
export const MICRO_BATCH = 49;
/** Provider calls in flight at once within one such group. */
const GROUP_CONCURRENCY = 10;

/** What a message's run finds: the outcome, or that another run has it in flight until at most `until`. */
export type MessageRunOutcome = DeliveryOutcome | { status: "in_flight"; until: string };

/**
 * Delivers one message through the group pipeline, together with up to
 * MICRO_BATCH other due messages of its organisation (outside campaigns, never
 * tried), so a burst of API sends goes out in groups: one claim, one consent
 * query, one provider read and one write transaction per group instead of per
 * message. Providers in priority order, skipping disabled ones, open circuits
 * and those at their daily limit; failover on errors that may succeed
 * elsewhere. Throws NoProviderAvailable when no provider could take it, so the
 * job retries. A message that another run has in flight is reported as such
 * (with the time after which it counts as orphaned and this run may take it).
 */
export async function deliverMessage(
  messageId: string,
  orgId: string,
  opts: { siblings?: number } = {},
): Promise<MessageRunOutcome> {
  const db = await getDb();
  const leaseMs = config().jobLeaseSeconds * 1000;
  const now = new Date();
  const { outcomes } = await deliverGroup(
    {
      ids: [messageId],
      // A message still `sending` after a whole lease belongs to a run that died.
      orphanedBefore: new Date(now.getTime() - leaseMs),
      siblings: { orgId, limit: opts.siblings ?? MICRO_BATCH, now },
    },
    { concurrency: GROUP_CONCURRENCY },
  );
  const outcome = outcomes.get(messageId);
  if (outcome?.status === "unavailable") throw new NoProviderAvailable(outcome.error);
  if (outcome) return outcome;
  const [current] = await db
    .select({ status: messages.status, sendingAt: messages.sendingAt })
    .from(messages)
    .where(eq(messages.id, messageId));
  if (!current) return { status: "skipped", reason: "message not found" };
  if (current.status === "sending") {
    const orphanAt = (current.sendingAt ?? now).getTime() + leaseMs;
    return { status: "in_flight", until: new Date(orphanAt + 100).toISOString() };
  }
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
