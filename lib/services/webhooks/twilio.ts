import twilio from "twilio";
import { z } from "zod";
import type { Provider } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { providerCredentials } from "@/lib/services/providers/providers";
import type { ProviderEvent } from "./ingest";

/** Checks X-Twilio-Signature (HMAC-SHA1 of the full URL and the sorted form parameters) with the provider's auth token. */
export function verifyTwilio(
  provider: Provider,
  signature: string | null,
  url: string,
  params: Record<string, string>,
): boolean {
  const token = providerCredentials(provider).auth_token;
  if (!signature || typeof token !== "string" || !token) return false;
  return twilio.validateRequest(token, signature, url, params);
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
