import { createHmac } from "node:crypto";
import { z } from "zod";
import type { Provider } from "@/lib/db/schema";
import { providerCredentials } from "@/lib/services/providers/providers";
import { payloadError, safeEqual } from "./body";
import type { InboundSms } from "./inbound";
import type { ProviderEvent } from "./ingest";

// Africa's Talking does not sign its callbacks (delivery reports and incoming
// messages carry no signature, and there is no signing secret to configure).
// So the callback URL itself carries a secret: ?token=HMAC-SHA256(api_key,
// provider id) in hex. Only someone who knows the provider's API key can make
// it, it differs per provider, and rotating the API key rotates it.

/** The `token` query parameter of this provider's callback URL (shown in settings beside the URL). */
export function africasTalkingCallbackToken(provider: Provider): string | null {
  const apiKey = providerCredentials(provider).api_key;
  if (typeof apiKey !== "string" || !apiKey) return null;
  return createHmac("sha256", apiKey).update(provider.id).digest("hex");
}

/** Whether the request URL carries this provider's token (compared in constant time). */
export function verifyAfricasTalking(provider: Provider, requestUrl: string): boolean {
  const expected = africasTalkingCallbackToken(provider);
  const given = new URL(requestUrl).searchParams.get("token");
  return Boolean(expected && given && safeEqual(given.toLowerCase(), expected));
}

const deliveryReport = z.object({
  id: z.string().min(1).max(100),
  status: z.string().min(1).max(32),
  failureReason: z.string().max(200).optional(),
  phoneNumber: z.string().max(64).optional(),
});

const inboundMessage = z.object({
  from: z.string().min(1).max(64),
  to: z.string().min(1).max(64),
  text: z.string().max(10_000).default(""),
  id: z.string().min(1).max(100).optional(),
});

/** Final: Success (on the handset), Rejected, Failed; on the way: Sent, Submitted, Buffered. */
const STATUS: Record<string, ProviderEvent["status"]> = {
  Success: "delivered",
  Sent: "sent",
  Submitted: "sent",
  Buffered: "sent",
  Rejected: "failed",
  Failed: "failed",
};

export type AfricasTalkingCallback =
  | { kind: "report"; event: ProviderEvent; raw: Record<string, string> }
  | { kind: "inbound"; sms: InboundSms };

/** A delivery report (id, status) or an incoming message (from, to, text); 400 if it is neither. */
export function africasTalkingCallback(fields: Record<string, string>): AfricasTalkingCallback {
  // The token is a secret: it is never part of what gets stored.
  const params = Object.fromEntries(Object.entries(fields).filter(([k]) => k !== "token"));
  if ("status" in params) {
    const parsed = deliveryReport.safeParse(params);
    if (!parsed.success) throw payloadError(parsed.error);
    const r = parsed.data;
    return {
      kind: "report",
      raw: params,
      event: {
        // No event id is sent: one report per message and status.
        eventId: `dlr:${r.id}:${r.status}`,
        type: `dlr.${r.status}`,
        providerMessageId: r.id,
        status: STATUS[r.status],
        error: r.failureReason ? `Africa's Talking: ${r.failureReason}` : null,
      },
    };
  }
  const parsed = inboundMessage.safeParse(params);
  if (!parsed.success) throw payloadError(parsed.error);
  const m = parsed.data;
  return {
    kind: "inbound",
    sms: { from: m.from, to: m.to, body: m.text, providerMessageId: m.id ?? null, raw: params },
  };
}
