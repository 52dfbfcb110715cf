import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { InboundSms, ProviderEvent, WebhookCapability } from "../webhook";
import {
  callbackParams,
  dateFromString,
  invalidSignatureError,
  payloadError,
  plusPrefixed,
  priceOf,
  safeEqual,
} from "../webhook-body";
import type { MessagebirdConfig, MessagebirdCredentials } from "./messagebird";

// MessageBird signs webhooks with a JWT in the MessageBird-Signature-JWT
// header: HMAC (HS256) under the account's signing key, issuer "MessageBird",
// with iat/nbf/exp, a jti, url_hash = SHA-256 of the full URL called, and
// payload_hash = SHA-256 of the body when there is one. Checked here with
// node:crypto, as MessageBird's own library does with jose.

export const MESSAGEBIRD_SIGNATURE_HEADER = "messagebird-signature-jwt";
/** Clock skew allowed on iat/nbf/exp, as MessageBird's library allows. */
const CLOCK_TOLERANCE_S = 5;

const HMAC_OF: Record<string, string> = { HS256: "sha256", HS384: "sha384", HS512: "sha512" };

const jwtHeader = z.object({ alg: z.string(), typ: z.string().optional() });
const jwtClaims = z.object({
  iss: z.literal("MessageBird"),
  jti: z.string().min(1).max(200),
  exp: z.number(),
  nbf: z.number().optional(),
  iat: z.number().optional(),
  url_hash: z.string().regex(/^[0-9a-fA-F]{64}$/),
  payload_hash: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .optional(),
});

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/**
 * Verifies a MessageBird signature JWT for the URL MessageBird called and the
 * raw body: signature, issuer, time claims, url_hash and payload_hash.
 */
export function verifyMessagebirdJwt(
  jwt: string,
  signingKey: string,
  url: string,
  body: Buffer,
  now = Date.now(),
): boolean {
  const parts = jwt.split(".");
  if (parts.length !== 3 || jwt.length > 4096 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p)))
    return false;
  const [head = "", payload = "", signature = ""] = parts;
  const header = jwtHeader.safeParse(decodeJson(head));
  const hash = header.success ? HMAC_OF[header.data.alg] : undefined;
  if (!hash) return false;
  const expected = createHmac(hash, signingKey).update(`${head}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  const claims = jwtClaims.safeParse(decodeJson(payload));
  if (!claims.success) return false;
  const c = claims.data;
  const t = now / 1000;
  if (c.exp < t - CLOCK_TOLERANCE_S) return false;
  if (c.nbf !== undefined && c.nbf > t + CLOCK_TOLERANCE_S) return false;
  if (c.iat !== undefined && c.iat > t + CLOCK_TOLERANCE_S) return false;
  if (!safeEqual(c.url_hash.toLowerCase(), sha256(url))) return false;
  if (c.payload_hash !== undefined) return safeEqual(c.payload_hash.toLowerCase(), sha256(body));
  // A body nobody signed is not accepted.
  return body.length === 0;
}

const statusReport = z.object({
  id: z.string().min(1).max(100),
  status: z.string().min(1).max(32),
  reference: z.string().max(100).optional(),
  recipient: z.string().max(64).optional(),
  statusReason: z.string().max(200).optional(),
  statusErrorCode: z.string().max(16).optional(),
  statusDatetime: z.string().max(64).optional(),
  "price[amount]": z.string().max(32).optional(),
  "price[currency]": z.string().max(8).optional(),
});

const inboundMessage = z.object({
  originator: z.string().min(1).max(64),
  recipient: z.string().min(1).max(64),
  body: z.string().max(10_000).default(""),
  id: z.string().min(1).max(100).optional(),
});

const STATUS: Record<string, ProviderEvent["status"]> = {
  delivered: "delivered",
  delivery_failed: "failed",
  expired: "undelivered",
  sent: "sent",
  buffered: "sent",
};

export type MessagebirdCallback =
  | { kind: "report"; event: ProviderEvent; raw: Record<string, string> }
  | { kind: "inbound"; sms: InboundSms };

/** A status report (id, status) or an incoming message (originator, recipient, body); 400 if it is neither. */
export function messagebirdCallback(params: Record<string, string>): MessagebirdCallback {
  if ("status" in params) {
    const parsed = statusReport.safeParse(params);
    if (!parsed.success) throw payloadError(parsed.error);
    const r = parsed.data;
    const amount = priceOf(r["price[amount]"]);
    const currency = r["price[currency]"];
    const reason = [r.statusReason, r.statusErrorCode].filter(Boolean).join(" ");
    return {
      kind: "report",
      raw: params,
      event: {
        eventId: `dlr:${r.id}:${r.recipient ?? ""}:${r.status}`,
        type: `dlr.${r.status}`,
        providerMessageId: r.id,
        messageId: r.reference ?? null,
        status: STATUS[r.status],
        at: dateFromString(r.statusDatetime),
        error:
          (r.status === "delivery_failed" || r.status === "expired") && reason
            ? `MessageBird: ${reason}`
            : null,
        cost:
          amount && currency && /^[A-Za-z]{3}$/.test(currency)
            ? { amount, currency: currency.toUpperCase() }
            : null,
      },
    };
  }
  const parsed = inboundMessage.safeParse(params);
  if (!parsed.success) throw payloadError(parsed.error);
  const m = parsed.data;
  return {
    kind: "inbound",
    sms: {
      from: plusPrefixed(m.originator),
      to: plusPrefixed(m.recipient),
      body: m.body,
      providerMessageId: m.id ?? null,
      raw: params,
    },
  };
}

/**
 * MessageBird status reports (GET by default) and incoming messages, signed
 * with a JWT over the URL (as signed: APP_URL-based when set) and the body.
 * No reply travels in the answer: keywords are acted on and stored.
 */
export const messagebirdWebhook: WebhookCapability<MessagebirdConfig, MessagebirdCredentials> = {
  verify(ctx, req) {
    const key = ctx.credentials.signing_key;
    const jwt = req.headers.get(MESSAGEBIRD_SIGNATURE_HEADER);
    if (!key || !jwt || !verifyMessagebirdJwt(jwt, key, req.signedUrl, req.body))
      throw invalidSignatureError();
  },
  parse(_ctx, req) {
    const callback = messagebirdCallback(callbackParams(req, req.body));
    return callback.kind === "inbound"
      ? { events: [], inbound: callback.sms }
      : { events: [{ event: callback.event, raw: callback.raw }] };
  },
};
