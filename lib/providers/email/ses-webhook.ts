import { createPublicKey, type KeyObject, verify, X509Certificate } from "node:crypto";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { egressFetch } from "@/lib/net/egress";
import type { ProviderEvent, WebhookCapability } from "../webhook";
import {
  dateFromString,
  emailOrNull,
  invalidSignatureError,
  parseJsonBody,
  payloadError,
  readRawBody,
  text,
} from "../webhook-body";
import type { SesConfig, SesCredentials } from "./ses";

// SES publishes events through SNS. SNS signs every message (SignatureVersion 1:
// SHA1withRSA, 2: SHA256withRSA) with the key of a certificate it serves from
// SigningCertURL; we only ever fetch that certificate, or a SubscribeURL, from
// SNS's own hosts — or from the origin this provider's base_url names (a
// regional proxy or a local test double the admin configured), never from an
// arbitrary URL the request carries.

const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;
const FETCH_TIMEOUT_MS = 5_000;
const MAX_CERT_BYTES = 16_384;
const CERT_CACHE_MAX = 50;
const CERT_CACHE_TTL_MS = 24 * 3600 * 1000;

const certificates = new Map<string, { key: KeyObject; expires: number }>();

const envelope = z.object({
  Type: z.enum(["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"]),
  MessageId: z.string().min(1).max(200),
  TopicArn: z.string().min(1).max(1000),
  Subject: z.string().max(1000).nullish(),
  Message: z.string().max(900_000),
  Timestamp: z.string().min(1).max(64),
  Token: z.string().max(4096).optional(),
  SubscribeURL: z.string().max(4096).optional(),
});
export type SnsEnvelope = z.infer<typeof envelope>;

const signatureFields = z.object({
  SignatureVersion: z.enum(["1", "2"]),
  Signature: z.string().min(1).max(4096),
  SigningCertURL: z.string().min(1).max(2048),
});

/** The string SNS signs: the documented fields of the message type, each as "Name\nvalue\n". */
export function snsStringToSign(m: SnsEnvelope): string {
  const fields =
    m.Type === "Notification"
      ? (["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"] as const)
      : (["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"] as const);
  return fields
    .filter((f) => m[f] !== undefined && m[f] !== null)
    .map((f) => `${f}\n${m[f]}\n`)
    .join("");
}

/** The JSON object of an SNS message (400 for anything else). */
function readEnvelope(raw: Buffer): Record<string, unknown> {
  const body = parseJsonBody(raw);
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw AppError.validation([{ field: "body", message: "must be an SNS message (a JSON object)" }]);
  }
  return body as Record<string, unknown>;
}

/**
 * An SNS URL we may fetch for this provider: https on an SNS host, or the
 * exact origin of the provider's configured base_url. Null for anything else.
 */
export function trustedSnsUrl(
  config: Pick<SesConfig, "base_url">,
  raw: string,
  kind: "certificate" | "subscribe",
): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  if (kind === "certificate" && (url.search || !url.pathname.endsWith(".pem"))) return null;
  if (url.protocol === "https:" && url.port === "" && SNS_HOST.test(url.hostname)) return url;
  const base = config.base_url;
  if (!base) return null;
  try {
    return new URL(base).origin === url.origin ? url : null;
  } catch {
    return null;
  }
}

async function fetchBounded(url: URL, limit: number): Promise<string> {
  // Through the egress policy like every outbound call: no private or metadata hosts, no redirects.
  const res = await egressFetch(url.href, { redirect: "error", timeoutMs: FETCH_TIMEOUT_MS });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await readRawBody(res, limit)).toString("utf8");
}

/** The public key of a signing certificate, fetched once per URL and cached while the certificate is valid. */
async function signingKey(url: URL): Promise<KeyObject> {
  const hit = certificates.get(url.href);
  if (hit && hit.expires > Date.now()) return hit.key;
  const cert = new X509Certificate(await fetchBounded(url, MAX_CERT_BYTES));
  const now = Date.now();
  if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now)
    throw new Error("certificate not valid now");
  const key = createPublicKey(cert.publicKey.export({ type: "spki", format: "pem" }));
  if (certificates.size >= CERT_CACHE_MAX) certificates.delete(certificates.keys().next().value as string);
  certificates.set(url.href, { key, expires: Math.min(now + CERT_CACHE_TTL_MS, Date.parse(cert.validTo)) });
  return key;
}

/** 401 unless the topic is one of the provider's topic_arns (none configured: nothing is accepted). */
function assertOwnTopic(config: Pick<SesConfig, "topic_arns">, topicArn: string): void {
  const topics = config.topic_arns ?? [];
  if (topics.length === 0) {
    throw new AppError(
      "topic_not_allowed",
      "This provider has no SNS topic ARNs configured (config.topic_arns), so it accepts no SNS message: add the topic SES publishes to",
      undefined,
      401,
    );
  }
  if (!topics.includes(topicArn)) {
    throw new AppError(
      "topic_not_allowed",
      "The message's TopicArn is not one of this provider's topic_arns",
      undefined,
      401,
    );
  }
}

/**
 * Parses and verifies an SNS message. Not JSON → 400; no signature, an
 * untrusted certificate URL, a signature that does not match, or a topic that
 * is not one of the provider's topic_arns → 401; a
 * message of the wrong shape (its signed fields cannot even be read) → 400.
 */
export async function verifySnsMessage(config: SesConfig, raw: Buffer): Promise<SnsEnvelope> {
  const body = readEnvelope(raw);
  const sig = signatureFields.safeParse(body);
  if (!sig.success) throw invalidSignatureError();
  const parsed = envelope.safeParse(body);
  if (!parsed.success) throw payloadError(parsed.error);
  const certUrl = trustedSnsUrl(config, sig.data.SigningCertURL, "certificate");
  if (!certUrl) throw invalidSignatureError("SigningCertURL is not an Amazon SNS certificate URL");
  let key: KeyObject;
  try {
    key = await signingKey(certUrl);
  } catch {
    throw invalidSignatureError("The SNS signing certificate could not be fetched");
  }
  const algorithm = sig.data.SignatureVersion === "1" ? "RSA-SHA1" : "RSA-SHA256";
  let ok = false;
  try {
    ok = verify(
      algorithm,
      Buffer.from(snsStringToSign(parsed.data), "utf8"),
      key,
      Buffer.from(sig.data.Signature, "base64"),
    );
  } catch {
    ok = false;
  }
  if (!ok) throw invalidSignatureError();
  // Any AWS account can have SNS sign a message for a topic of its own, so a
  // valid signature alone says nothing about who sent it: only this provider's topics count.
  assertOwnTopic(config, parsed.data.TopicArn);
  return parsed.data;
}

/** Confirms a verified subscription by visiting its SubscribeURL (same host rule as certificates). */
export async function confirmSubscription(config: SesConfig, m: SnsEnvelope): Promise<void> {
  const url = m.SubscribeURL ? trustedSnsUrl(config, m.SubscribeURL, "subscribe") : null;
  if (!url) throw AppError.validation([{ field: "SubscribeURL", message: "is not an Amazon SNS URL" }]);
  try {
    await fetchBounded(url, 65_536);
  } catch (e) {
    throw new AppError(
      "subscription_confirmation_failed",
      `Amazon SNS did not confirm the subscription (${(e as Error).message})`,
      undefined,
      502,
    );
  }
}

const recipients = z.array(z.looseObject({ emailAddress: z.string().max(1000) })).max(1000);
const sesEvent = z.looseObject({
  eventType: z.string().max(64).optional(),
  notificationType: z.string().max(64).optional(),
  mail: z
    .looseObject({
      messageId: z.string().max(200).optional(),
      timestamp: z.string().max(64).optional(),
      tags: z
        .record(z.string(), z.array(z.string().max(200)))
        .optional()
        .catch(undefined),
    })
    .optional(),
  bounce: z
    .looseObject({
      bounceType: z.string().max(64).optional(),
      bounceSubType: z.string().max(64).optional(),
      bouncedRecipients: recipients.optional(),
      timestamp: z.string().optional(),
    })
    .optional(),
  complaint: z
    .looseObject({
      complainedRecipients: recipients.optional(),
      complaintFeedbackType: z.string().max(64).optional(),
      timestamp: z.string().optional(),
    })
    .optional(),
});
type SesEvent = z.infer<typeof sesEvent>;

/** The events of a verified SNS message: the SES event it carries, or the message itself stored for the record. */
export function sesEvents(m: SnsEnvelope): { event: ProviderEvent; raw: unknown }[] {
  if (m.Type !== "Notification") return [{ event: { eventId: m.MessageId, type: m.Type }, raw: m }];
  let inner: unknown;
  try {
    inner = parseJsonBody(m.Message);
  } catch {
    inner = undefined;
  }
  const parsed = sesEvent.safeParse(inner);
  // A signed message of our topic that is not an SES event is kept, not refused: SNS would retry it forever.
  if (!parsed.success) return [{ event: { eventId: m.MessageId, type: "sns.notification" }, raw: m }];
  const raw = { ...m, Message: parsed.data };
  return mapSesEvent(m.MessageId, parsed.data).map((event) => ({ event, raw }));
}

/** The object beside eventType that holds each event's details. */
const SECTION: Record<string, string> = {
  Send: "send",
  Delivery: "delivery",
  Bounce: "bounce",
  Complaint: "complaint",
  Reject: "reject",
  "Rendering Failure": "failure",
  Open: "open",
  Click: "click",
  DeliveryDelay: "deliveryDelay",
  Subscription: "subscription",
};

/** Maps SES event publishing (eventType) and identity notifications (notificationType) alike. */
export function mapSesEvent(eventId: string, e: SesEvent): ProviderEvent[] {
  const type = e.eventType ?? e.notificationType ?? "unknown";
  const section = e[SECTION[type] ?? ""];
  const detail: Record<string, unknown> =
    section && typeof section === "object" && !Array.isArray(section) ? { ...section } : {};
  const base: ProviderEvent = {
    eventId,
    type,
    providerMessageId: e.mail?.messageId ?? null,
    messageId: e.mail?.tags?.switchboard_message_id?.[0] ?? null,
    at: dateFromString(detail.timestamp) ?? dateFromString(e.mail?.timestamp),
  };
  switch (type) {
    case "Send":
      return [{ ...base, status: "sent" }];
    case "Delivery":
      return [{ ...base, status: "delivered", data: { smtp_response: text(detail.smtpResponse) } }];
    case "Bounce": {
      const b = e.bounce;
      if (b?.bounceType !== "Permanent") {
        return [
          {
            ...base,
            engagement: "deferred",
            data: { bounce_type: b?.bounceType, bounce_sub_type: b?.bounceSubType },
          },
        ];
      }
      const bounced = (b.bouncedRecipients ?? []).map((r) => ({
        address: emailOrNull(r.emailAddress),
        detail: text(r.diagnosticCode),
      }));
      const error = `Permanent bounce (${b.bounceSubType ?? "General"})${bounced[0]?.detail ? `: ${bounced[0].detail}` : ""}`;
      return suppressEach(base, { status: "bounced", error }, bounced, "hard_bounce");
    }
    case "Complaint": {
      const c = e.complaint;
      const complained = (c?.complainedRecipients ?? []).map((r) => ({
        address: emailOrNull(r.emailAddress),
        detail: c?.complaintFeedbackType,
      }));
      return suppressEach(
        base,
        { engagement: "complained", data: { feedback_type: c?.complaintFeedbackType } },
        complained,
        "complaint",
      );
    }
    case "Reject":
      return [
        { ...base, status: "failed", error: `Rejected by SES: ${text(detail.reason) ?? "unknown reason"}` },
      ];
    case "Rendering Failure":
      return [
        { ...base, status: "failed", error: `Template rendering failed: ${text(detail.errorMessage) ?? ""}` },
      ];
    case "Open":
      return [
        {
          ...base,
          engagement: "opened",
          data: { user_agent: text(detail.userAgent), ip: text(detail.ipAddress) },
        },
      ];
    case "Click":
      return [{ ...base, engagement: "clicked", data: { url: text(detail.link, 2000) } }];
    case "DeliveryDelay":
      return [{ ...base, engagement: "deferred", data: { delay_type: text(detail.delayType) } }];
    case "Subscription":
      return [{ ...base, engagement: "unsubscribed" }];
    default:
      return [base];
  }
}

/**
 * One event per affected recipient so each can be suppressed: the first
 * carries the message change, the others (event id + "#n") only suppress.
 */
function suppressEach(
  base: ProviderEvent,
  change: Partial<ProviderEvent>,
  list: { address: string | null; detail?: string }[],
  reason: "hard_bounce" | "complaint",
): ProviderEvent[] {
  const valid = list.filter((r): r is { address: string; detail?: string } => r.address !== null);
  const first: ProviderEvent = {
    ...base,
    ...change,
    suppress: valid[0] ? { address: valid[0].address, reason, detail: valid[0].detail } : null,
  };
  const rest = valid.slice(1).map((r, i) => ({
    eventId: `${base.eventId}#${i + 1}`,
    type: base.type,
    suppress: { address: r.address, reason, detail: r.detail },
  }));
  return [first, ...rest];
}

/**
 * SES events through SNS: the SNS signature and the provider's topics are
 * checked; a verified SubscriptionConfirmation is confirmed before it is stored.
 */
export const sesWebhook: WebhookCapability<SesConfig, SesCredentials> = {
  async verify(ctx, req) {
    await verifySnsMessage(ctx.config, req.body);
  },
  parse(ctx, req) {
    const parsed = envelope.safeParse(readEnvelope(req.body));
    if (!parsed.success) throw payloadError(parsed.error);
    const message = parsed.data;
    return {
      events: sesEvents(message),
      answer: { type: message.Type },
      confirm:
        message.Type === "SubscriptionConfirmation"
          ? () => confirmSubscription(ctx.config, message)
          : undefined,
    };
  },
};
