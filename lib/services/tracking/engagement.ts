import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { messages, organisations } from "@/lib/db/schema";
import { EXEMPT_CATEGORIES, optOut } from "@/lib/services/consent/opt-outs";
import { systemCtx } from "@/lib/services/context";
import { addMessageEvent } from "@/lib/services/messages/events";
import type { TrackingToken } from "./tokens";

async function messageOf(id: string) {
  const db = await getDb();
  const [m] = await db
    .select({ id: messages.id, orgId: messages.orgId })
    .from(messages)
    .where(eq(messages.id, id));
  return m ?? null;
}

/** Records an open (the pixel was fetched). */
export async function recordOpen(token: Extract<TrackingToken, { k: "o" }>): Promise<void> {
  const m = await messageOf(token.m);
  if (m) await addMessageEvent(await getDb(), m.orgId, m.id, "opened");
}

/** Records a click and answers the signed destination. */
export async function recordClick(token: Extract<TrackingToken, { k: "c" }>): Promise<string> {
  const m = await messageOf(token.m);
  if (m) await addMessageEvent(await getDb(), m.orgId, m.id, "clicked", { url: token.u });
  return token.u;
}

/** The organisation's name for the unsubscribe page. */
export async function unsubscribeContext(token: Extract<TrackingToken, { k: "u" }>) {
  const db = await getDb();
  const [org] = await db
    .select({ name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, token.o));
  return { organisation: org?.name ?? "this sender", address: token.a, channel: token.c, category: token.g };
}

/**
 * Unsubscribes the address the token names, without a session: from the
 * message's category, or from the whole channel when the category is exempt
 * from category opt-outs (transactional, OTP).
 */
export async function unsubscribe(
  token: Extract<TrackingToken, { k: "u" }>,
  via: "unsubscribe_link" | "one_click",
): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    const ctx = systemCtx(token.o, `unsubscribe link (${token.a})`);
    const category = token.g && !EXEMPT_CATEGORIES.has(token.g) ? token.g : undefined;
    await optOut({
      ctx,
      input: {
        address: token.a,
        channel: token.c,
        category,
        reason: `Unsubscribed via ${via.replace("_", " ")}`,
      },
      source: via,
      db: tx,
    });
    const [m] = await tx.select({ id: messages.id }).from(messages).where(eq(messages.id, token.m));
    if (m) await addMessageEvent(tx, token.o, m.id, "unsubscribed", { via });
  });
}
