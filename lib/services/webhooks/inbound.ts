import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { messages, organisations, type Provider, webhookEvents } from "@/lib/db/schema";
import type { InboundSms } from "@/lib/providers/webhook";
import { optIn, optOut } from "@/lib/services/consent/opt-outs";
import { systemCtx } from "@/lib/services/context";
import { addMessageEvent } from "@/lib/services/messages/events";
import { normalizePhone } from "@/lib/services/sms/phone";

export const STOP_WORDS = [
  "STOP",
  "STOPALL",
  "UNSUBSCRIBE",
  "CANCEL",
  "END",
  "QUIT",
  "OPTOUT",
  "REVOKE",
] as const;
export const START_WORDS = ["START", "YES", "UNSTOP"] as const;
export const HELP_WORDS = ["HELP", "INFO"] as const;

export type Keyword = "stop" | "start" | "help" | null;

/** A message that is only a keyword, in any case and with surrounding spaces, is a command; "STOP PLEASE" is not. */
export function keywordOf(body: string): Keyword {
  const word = body.trim().toUpperCase();
  if ((STOP_WORDS as readonly string[]).includes(word)) return "stop";
  if ((START_WORDS as readonly string[]).includes(word)) return "start";
  if ((HELP_WORDS as readonly string[]).includes(word)) return "help";
  return null;
}

export const DEFAULT_REPLIES = {
  stop: "You have been unsubscribed from {{organisation}} and will receive no further messages. Reply START to resubscribe.",
  start: "You have been resubscribed to {{organisation}} messages. Reply STOP to unsubscribe.",
  help: "{{organisation}}: reply STOP to unsubscribe, START to resubscribe. Msg & data rates may apply.",
} as const;

export type { InboundSms };

/**
 * Stores an inbound SMS as an inbound message (for conversation threads) and
 * acts on keywords: STOP-words opt the sender out of all SMS, START-words opt
 * back in, HELP-words ask for help. Returns the reply to send, if any.
 */
export async function handleInboundSms(
  provider: Provider,
  sms: InboundSms,
): Promise<{ reply: string | null; keyword: Keyword; messageId: string | null; duplicate: boolean }> {
  const db = await getDb();
  const [org] = await db.select().from(organisations).where(eq(organisations.id, provider.orgId));
  const region = org?.defaultRegion ?? "US";
  let from = sms.from;
  let addressable = true;
  try {
    from = normalizePhone(sms.from, region, "From");
  } catch {
    // Short codes and alphanumeric senders are kept as given; they cannot be opted out by number.
    addressable = false;
  }
  const keyword = keywordOf(sms.body);
  return db.transaction(async (tx) => {
    if (sms.providerMessageId) {
      const stored = await tx
        .insert(webhookEvents)
        .values({
          orgId: provider.orgId,
          providerId: provider.id,
          source: provider.type,
          eventId: `inbound:${sms.providerMessageId}`,
          type: keyword ? `inbound.${keyword}` : "inbound",
          payload: (sms.raw ?? { from: sms.from, to: sms.to, body: sms.body }) as object,
          processedAt: new Date(),
        })
        .onConflictDoNothing()
        .returning({ id: webhookEvents.id });
      if (stored.length === 0) return { reply: null, keyword, messageId: null, duplicate: true };
    }
    const [m] = await tx
      .insert(messages)
      .values({
        orgId: provider.orgId,
        channel: "sms",
        direction: "inbound",
        status: "delivered",
        to: sms.to,
        from,
        body: sms.body,
        category: "inbound",
        providerId: provider.id,
        providerType: provider.type,
        providerMessageId: sms.providerMessageId ?? null,
        mediaUrls: sms.mediaUrls?.length ? sms.mediaUrls : null,
        deliveredAt: new Date(),
      })
      .returning({ id: messages.id });
    const messageId = m?.id as string;
    await addMessageEvent(tx, provider.orgId, messageId, "received", keyword ? { keyword } : undefined);
    const ctx = systemCtx(provider.orgId, `inbound SMS from ${from}`);
    if (keyword === "stop" && addressable) {
      await optOut({
        ctx,
        input: { address: from, channel: "sms", reason: `Replied "${sms.body.trim()}"` },
        source: "inbound_keyword",
        db: tx,
      });
    } else if (keyword === "start" && addressable) {
      await optIn({ ctx, input: { address: from, channel: "sms" }, source: "inbound_keyword", db: tx });
    }
    const template =
      keyword === "stop"
        ? (org?.smsStopReply ?? DEFAULT_REPLIES.stop)
        : keyword === "start"
          ? (org?.smsStartReply ?? DEFAULT_REPLIES.start)
          : keyword === "help"
            ? (org?.smsHelpReply ?? DEFAULT_REPLIES.help)
            : null;
    const reply = template ? template.replaceAll("{{organisation}}", org?.name ?? "Switchboard") : null;
    return { reply, keyword, messageId, duplicate: false };
  });
}
