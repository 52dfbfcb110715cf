import { EventWebhook, EventWebhookHeader } from "@sendgrid/eventwebhook";
import { z } from "zod";
import type { ProviderEvent, WebhookCapability } from "../webhook";
import {
  dateFromSeconds,
  digestId,
  emailOrNull,
  invalidSignatureError,
  isFresh,
  parseJsonBody,
  payloadError,
  text,
} from "../webhook-body";
import type { SendgridConfig, SendgridCredentials } from "./sendgrid";

const eventWebhook = new EventWebhook();

/**
 * Checks SendGrid's signed event webhook with its own library: ECDSA P-256
 * over the timestamp header followed by the raw body. Anything malformed
 * (key, signature, timestamp) is simply not valid.
 */
export function verifySendgridSignature(
  publicKey: string,
  payload: Buffer | string,
  signature: string,
  timestamp: string,
): boolean {
  try {
    return eventWebhook.verifySignature(
      eventWebhook.convertPublicKeyToECDSA(publicKey),
      payload,
      signature,
      timestamp,
    );
  } catch {
    return false;
  }
}

/** The provider's signature check plus freshness: a timestamp more than 5 minutes away is a replay. */
export function verifySendgrid(
  publicKey: string | undefined,
  raw: Buffer,
  headers: Headers,
  now = Date.now(),
): boolean {
  const signature = headers.get(EventWebhookHeader.SIGNATURE());
  const timestamp = headers.get(EventWebhookHeader.TIMESTAMP());
  if (typeof publicKey !== "string" || !publicKey || !signature || !timestamp) return false;
  if (signature.length > 512 || !isFresh(timestamp, now)) return false;
  return verifySendgridSignature(publicKey, raw, signature, timestamp);
}

const sendgridEvent = z.looseObject({
  event: z.string().min(1).max(64),
  email: z.string().max(1000).optional(),
  sg_event_id: z.string().min(1).max(200).optional(),
  sg_message_id: z.string().max(1000).optional(),
  // custom_args arrive as top-level keys of each event.
  switchboard_message_id: z.string().max(100).optional(),
  type: z.string().max(64).optional(),
});
const sendgridBatch = z.union([z.array(sendgridEvent).max(10_000), sendgridEvent.transform((e) => [e])]);

type SendgridEvent = z.infer<typeof sendgridEvent>;

/** Parses a verified batch (400 naming the bad fields) and maps each event. */
export function sendgridEvents(raw: Buffer): { event: ProviderEvent; raw: unknown }[] {
  const parsed = sendgridBatch.safeParse(parseJsonBody(raw));
  if (!parsed.success) throw payloadError(parsed.error);
  return parsed.data.map((e) => ({ event: mapSendgridEvent(e), raw: e }));
}

/** One SendGrid event as a ProviderEvent (see SendGrid's event webhook reference for the names). */
export function mapSendgridEvent(e: SendgridEvent): ProviderEvent {
  // sg_message_id is the X-Message-Id of the send answer plus ".filter…" per recipient.
  const xMessageId = e.sg_message_id?.split(".")[0];
  const base: ProviderEvent = {
    eventId: e.sg_event_id ?? digestId(`sendgrid:${e.event}`, e),
    type: e.event,
    providerMessageId: xMessageId || null,
    messageId: e.switchboard_message_id ?? null,
    at: dateFromSeconds(e.timestamp),
  };
  const reason = text(e.reason) ?? text(e.response) ?? null;
  const email = emailOrNull(e.email);
  switch (e.event) {
    case "processed":
      return { ...base, status: "sent" };
    case "delivered":
      return { ...base, status: "delivered", data: { response: text(e.response) } };
    case "deferred":
      return {
        ...base,
        engagement: "deferred",
        data: { response: text(e.response), attempt: text(e.attempt) },
      };
    case "bounce":
      // "blocked" is a temporary refusal by the receiving server; "bounce" is permanent.
      if (e.type === "blocked") return { ...base, status: "undelivered", error: reason };
      return {
        ...base,
        status: "bounced",
        error: reason,
        suppress: email ? { address: email, reason: "hard_bounce", detail: reason ?? undefined } : null,
      };
    case "dropped":
      return { ...base, status: "failed", error: reason };
    case "open":
      return { ...base, engagement: "opened", data: { user_agent: text(e.useragent), ip: text(e.ip) } };
    case "click":
      return { ...base, engagement: "clicked", data: { url: text(e.url, 2000) } };
    case "spamreport":
      return {
        ...base,
        engagement: "complained",
        suppress: email ? { address: email, reason: "complaint" } : null,
      };
    case "unsubscribe":
    case "group_unsubscribe":
      return { ...base, engagement: "unsubscribed", data: { asm_group_id: text(e.asm_group_id) } };
    default:
      // group_resubscribe and anything new: stored for debugging, nothing to apply.
      return base;
  }
}

/** SendGrid's signed event webhook: batches of events, verified as one. */
export const sendgridWebhook: WebhookCapability<SendgridConfig, SendgridCredentials> = {
  verify(ctx, req) {
    if (!verifySendgrid(ctx.credentials.webhook_public_key, req.body, req.headers))
      throw invalidSignatureError();
  },
  parse(_ctx, req) {
    return { events: sendgridEvents(req.body) };
  },
};
