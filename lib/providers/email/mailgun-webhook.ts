import { createHmac } from "node:crypto";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import type { ProviderEvent, WebhookCapability } from "../webhook";
import {
  dateFromSeconds,
  digestId,
  emailOrNull,
  invalidSignatureError,
  isFresh,
  parseJsonBody,
  payloadError,
  safeEqual,
  text,
} from "../webhook-body";
import type { MailgunConfig, MailgunCredentials } from "./mailgun";

// Mailgun's current webhooks post JSON: {signature: {timestamp, token,
// signature}, "event-data": {...}}; signature = hex HMAC-SHA256 of
// timestamp + token under the webhook signing key. The signature does not
// cover event-data, so a token is good for one event only: the token travels
// as the event's nonce, claimed under a unique key when the event is stored.

const signatureObject = z.object({
  timestamp: z.union([z.string().max(20), z.number()]).transform(String),
  token: z.string().min(1).max(256),
  signature: z.string().min(1).max(256),
});

const eventData = z.looseObject({
  event: z.string().min(1).max(64),
  id: z.string().min(1).max(200).optional(),
  severity: z.string().max(32).optional(),
  reason: z.string().max(200).optional(),
  recipient: z.string().max(1000).optional(),
  message: z
    .looseObject({ headers: z.looseObject({ "message-id": z.string().max(1000).optional() }).optional() })
    .optional()
    .catch(undefined),
  "delivery-status": z.looseObject({}).optional().catch(undefined),
  "user-variables": z
    .looseObject({ switchboard_message_id: z.string().max(100).optional() })
    .optional()
    .catch(undefined),
});
type MailgunEventData = z.infer<typeof eventData>;

export interface VerifiedMailgunEvent {
  token: string;
  body: Record<string, unknown>;
  data: MailgunEventData;
}

/** The expected signature of a timestamp and token (exported for tests and tools). */
export function mailgunSignature(signingKey: string, timestamp: string, token: string): string {
  return createHmac("sha256", signingKey)
    .update(timestamp + token)
    .digest("hex");
}

/** Parses (400 if not JSON) and verifies (401) a Mailgun webhook; then checks the event data's shape (400). */
export function verifyMailgun(
  signingKey: string | undefined,
  raw: Buffer,
  now = Date.now(),
): VerifiedMailgunEvent {
  const body = parseJsonBody(raw);
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw AppError.validation([{ field: "body", message: "must be a JSON object" }]);
  }
  const record = body as Record<string, unknown>;
  const sig = signatureObject.safeParse(record.signature);
  const key = signingKey;
  if (!sig.success || !key) throw invalidSignatureError();
  if (!isFresh(sig.data.timestamp, now)) throw invalidSignatureError("The signature timestamp is stale");
  if (
    !safeEqual(mailgunSignature(key, sig.data.timestamp, sig.data.token), sig.data.signature.toLowerCase())
  ) {
    throw invalidSignatureError();
  }
  const data = eventData.safeParse(record["event-data"]);
  if (!data.success) throw payloadError(data.error, "event-data");
  return { token: sig.data.token, body: record, data: data.data };
}

/** One Mailgun event as a ProviderEvent (names from Mailgun's webhooks reference). */
export function mapMailgunEvent(d: MailgunEventData): ProviderEvent {
  const base: ProviderEvent = {
    eventId: d.id ?? digestId(`mailgun:${d.event}`, d),
    type: d.event,
    // We store the id Mailgun answered without its angle brackets, as events carry it.
    providerMessageId: d.message?.headers?.["message-id"]?.replace(/^<|>$/g, "") || null,
    messageId: d["user-variables"]?.switchboard_message_id ?? null,
    at: dateFromSeconds(d.timestamp),
  };
  const status = d["delivery-status"];
  const statusText = text(status?.description) || text(status?.message);
  const recipient = emailOrNull(d.recipient);
  switch (d.event) {
    case "accepted":
      return { ...base, status: "sent" };
    case "delivered":
      return { ...base, status: "delivered" };
    case "rejected":
      return { ...base, status: "failed", error: d.reason ?? "rejected by Mailgun" };
    case "failed": {
      const error = [d.reason, statusText].filter(Boolean).join(": ") || null;
      if (d.severity !== "permanent")
        return { ...base, engagement: "deferred", data: { reason: d.reason, error } };
      // Mailgun's own suppression lists answer "permanent" too; only a bounce is a hard bounce.
      if (d.reason === "suppress-unsubscribe") return { ...base, status: "failed", error };
      if (d.reason === "suppress-complaint") {
        return {
          ...base,
          status: "failed",
          error,
          suppress: recipient ? { address: recipient, reason: "complaint" } : null,
        };
      }
      return {
        ...base,
        status: "bounced",
        error,
        suppress: recipient
          ? { address: recipient, reason: "hard_bounce", detail: error ?? undefined }
          : null,
      };
    }
    case "opened":
      return { ...base, engagement: "opened", data: { ip: text(d.ip) } };
    case "clicked":
      return { ...base, engagement: "clicked", data: { url: text(d.url, 2000) } };
    case "complained":
      return {
        ...base,
        engagement: "complained",
        suppress: recipient ? { address: recipient, reason: "complaint" } : null,
      };
    case "unsubscribed":
      return { ...base, engagement: "unsubscribed" };
    default:
      return base;
  }
}

/** Mailgun's webhooks: HMAC of timestamp + token, fresh, and the token single-use (claimed as the event's nonce). */
export const mailgunWebhook: WebhookCapability<MailgunConfig, MailgunCredentials> = {
  verify(ctx, req) {
    verifyMailgun(ctx.credentials.webhook_signing_key, req.body);
  },
  parse(ctx, req) {
    const { token, body, data } = verifyMailgun(ctx.credentials.webhook_signing_key, req.body);
    return { events: [{ event: { ...mapMailgunEvent(data), nonce: token }, raw: body }] };
  },
};
