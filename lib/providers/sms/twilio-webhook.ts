import twilio from "twilio";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import type { ProviderEvent, WebhookCapability } from "../webhook";
import { clean, invalidSignatureError } from "../webhook-body";
import type { TwilioConfig, TwilioCredentials } from "./twilio";

/** Checks X-Twilio-Signature (HMAC-SHA1 of the full URL and the sorted form parameters) with the provider's auth token. */
export function verifyTwilio(
  authToken: string,
  signature: string | null,
  url: string,
  params: Record<string, string>,
): boolean {
  if (!signature || !authToken) return false;
  return twilio.validateRequest(authToken, signature, url, params);
}

/** Form fields of an application/x-www-form-urlencoded body; repeated keys keep their first value. */
export function formParams(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    // defineProperty: a "__proto__" field stays data, never a prototype.
    if (!Object.hasOwn(out, k))
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const statusCallback = z.object({
  MessageSid: z.string().min(1).max(64),
  MessageStatus: z.string().min(1).max(32),
  ErrorCode: z.string().max(16).optional(),
  ErrorMessage: z.string().max(1000).optional(),
  Price: z.string().max(32).optional(),
  PriceUnit: z.string().max(8).optional(),
});

const STATUS: Record<string, ProviderEvent["status"] | undefined> = {
  sent: "sent",
  delivered: "delivered",
  read: "delivered",
  undelivered: "undelivered",
  failed: "failed",
};

/** Maps a Twilio status callback; queued/accepted/sending carry no news beyond what we recorded at send time. */
export function twilioStatusEvent(params: Record<string, string>): ProviderEvent {
  const parsed = statusCallback.safeParse(params);
  if (!parsed.success) {
    throw AppError.validation(
      parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? "body"), message: i.message })),
    );
  }
  const p = parsed.data;
  const price = p.Price ? Math.abs(Number(p.Price)) : Number.NaN;
  return {
    // Twilio sends no event id: one event per message and status (and error code).
    eventId: `${p.MessageSid}:${p.MessageStatus}${p.ErrorCode ? `:${p.ErrorCode}` : ""}`,
    type: `status.${p.MessageStatus}`,
    providerMessageId: p.MessageSid,
    status: STATUS[p.MessageStatus],
    error: p.ErrorCode ? `Twilio error ${p.ErrorCode}${p.ErrorMessage ? `: ${p.ErrorMessage}` : ""}` : null,
    cost:
      Number.isFinite(price) && p.PriceUnit ? { amount: price, currency: p.PriceUnit.toUpperCase() } : null,
  };
}

const inbound = z.object({
  MessageSid: z.string().min(1).max(64),
  From: z.string().min(1).max(64),
  To: z.string().min(1).max(64),
  Body: z.string().max(10_000).default(""),
  NumMedia: z.coerce.number().int().min(0).max(10).default(0),
});

export function twilioInbound(params: Record<string, string>) {
  const parsed = inbound.safeParse(params);
  if (!parsed.success) {
    throw AppError.validation(
      parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? "body"), message: i.message })),
    );
  }
  const p = parsed.data;
  const mediaUrls = Array.from({ length: p.NumMedia }, (_, i) => params[`MediaUrl${i}`]).filter(
    (u): u is string => Boolean(u),
  );
  return { from: p.From, to: p.To, body: p.Body, providerMessageId: p.MessageSid, mediaUrls };
}

/** TwiML answering an inbound message: the keyword reply, or nothing. */
export function twiml(reply: string | null): Response {
  const response = new twilio.twiml.MessagingResponse();
  if (reply) response.message(reply);
  return new Response(response.toString(), { headers: { "content-type": "text/xml; charset=utf-8" } });
}

/**
 * Twilio's two URLs, /status (delivery reports) and /inbound (incoming
 * messages, answered with TwiML), both signed with X-Twilio-Signature over the
 * full URL and the sorted form parameters.
 */
export const twilioWebhook: WebhookCapability<TwilioConfig, TwilioCredentials> = {
  verify(ctx, req) {
    const form = formParams(req.body.toString("utf8"));
    if (!verifyTwilio(ctx.credentials.auth_token, req.headers.get("x-twilio-signature"), req.signedUrl, form))
      throw invalidSignatureError();
  },
  parse(_ctx, req) {
    // Verified over the fields as sent; stored cleaned (Postgres text and jsonb refuse NUL).
    const form = clean(formParams(req.body.toString("utf8")));
    if (req.endpoint === "inbound") return { events: [], inbound: { ...twilioInbound(form), raw: form } };
    return { events: [{ event: twilioStatusEvent(form), raw: form }] };
  },
  inboundReply: twiml,
};
