import { createHmac } from "node:crypto";
import { z } from "zod";
import type { InboundSms, ProviderEvent, WebhookCapability } from "../webhook";
import { callbackParams, invalidSignatureError, payloadError, safeEqual } from "../webhook-body";
import type { AfricastalkingConfig, AfricastalkingCredentials } from "./africastalking";

// Africa's Talking does not sign its callbacks (delivery reports and incoming
// messages carry no signature, and there is no signing secret to configure).
// So the callback URL itself carries a secret: ?token=HMAC-SHA256(api_key,
// provider id) in hex, or of "provider id:n" once the token has been rotated
// n times. Only someone who knows the provider's API key can make it, it
// differs per provider, and rotating it (or the API key) retires the old URL.

/** The `token` query parameter of a provider's callback URL at a token generation. */
export function africasTalkingCallbackToken(apiKey: unknown, providerId: string, version = 0): string | null {
  if (typeof apiKey !== "string" || !apiKey) return null;
  // Generation 0 is the URL issued before rotation existed, so deployed callback URLs keep working.
  return createHmac("sha256", apiKey)
    .update(version === 0 ? providerId : `${providerId}:${version}`)
    .digest("hex");
}

/** Whether the request URL carries the provider's token (compared in constant time). */
export function verifyAfricasTalking(expected: string | null, requestUrl: string): boolean {
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

/**
 * Africa's Talking delivery reports and incoming messages. It signs nothing,
 * so the URL's `token` stands in for a signature (the URL as it arrived: the
 * token is ours, not a provider's signature over a public URL). No reply
 * travels in the answer: keywords are acted on and stored.
 */
export const africastalkingWebhook: WebhookCapability<AfricastalkingConfig, AfricastalkingCredentials> = {
  callbackToken: (ctx) =>
    africasTalkingCallbackToken(ctx.credentials.api_key, ctx.providerId, ctx.webhookTokenVersion),
  verify(ctx, req) {
    const expected = africasTalkingCallbackToken(
      ctx.credentials.api_key,
      ctx.providerId,
      ctx.webhookTokenVersion,
    );
    if (!verifyAfricasTalking(expected, req.url)) throw invalidSignatureError();
  },
  parse(_ctx, req) {
    const callback = africasTalkingCallback(callbackParams(req, req.body));
    return callback.kind === "inbound"
      ? { events: [], inbound: callback.sms }
      : { events: [{ event: callback.event, raw: callback.raw }] };
  },
};
