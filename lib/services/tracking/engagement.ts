import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { messages, organisations } from "@/lib/db/schema";
import { EXEMPT_CATEGORIES, optOut } from "@/lib/services/consent/opt-outs";
import { systemCtx } from "@/lib/services/context";
import { addMessageEvent } from "@/lib/services/messages/events";
import { type TrackingToken, verifyToken } from "./tokens";

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

export type ClickOutcome = { url: string } | { refused: "invalid" | "expired" };

/**
 * Follows a click-tracking link: redirects (and records the click) only for a
 * token we signed, not yet expired, that appears in the stored HTML of the
 * message it names, i.e. one that message really carried. Anything else is
 * refused, never redirected.
 */
export async function followClick(token: string, now: number = Date.now()): Promise<ClickOutcome> {
  const payload = verifyToken(token);
  if (payload?.k !== "c" || typeof payload.u !== "string" || !/^https?:\/\//i.test(payload.u)) {
    return { refused: "invalid" };
  }
  // Tokens issued before expiry was introduced carry no x: they are refused like forged ones.
  if (typeof payload.x !== "number") return { refused: "invalid" };
  if (payload.x * 1000 <= now) return { refused: "expired" };
  const db = await getDb();
  const [m] = await db
    .select({ id: messages.id, orgId: messages.orgId, html: messages.html })
    .from(messages)
    .where(eq(messages.id, payload.m));
  if (!m?.html?.includes(`/t/c/${token}`)) return { refused: "invalid" };
  await addMessageEvent(db, m.orgId, m.id, "clicked", { url: payload.u });
  return { url: payload.u };
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
