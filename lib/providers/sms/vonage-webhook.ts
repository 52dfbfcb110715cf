import { createHash, createHmac } from "node:crypto";
import { z } from "zod";
import type { InboundSms, ProviderEvent, WebhookCapability } from "../webhook";
import {
  callbackParams,
  invalidSignatureError,
  isFresh,
  payloadError,
  plusPrefixed,
  priceOf,
  safeEqual,
} from "../webhook-body";
import type { VonageConfig, VonageCredentials } from "./vonage";

// Vonage SMS API "signing messages": every parameter but `sig`, sorted by
// name, joined as "&name=value" with "&" and "=" in values replaced by "_";
// then md5hash = MD5(that + secret), or an HMAC (MD5, SHA-1, SHA-256,
// SHA-512) of it keyed by the signature secret — whichever the account chose
// in the dashboard, so every documented method is accepted and told apart by
// the signature's length. A `timestamp` (Unix seconds) is signed with it.

export type VonageSignatureMethod = "md5hash" | "md5" | "sha1" | "sha256" | "sha512";

const METHODS_BY_LENGTH: Record<number, VonageSignatureMethod[]> = {
  32: ["md5hash", "md5"],
  40: ["sha1"],
  64: ["sha256"],
  128: ["sha512"],
};

/** The string Vonage signs. */
export function vonageSignedString(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== "sig")
    .sort()
    .map((k) => `&${k}=${(params[k] ?? "").replace(/[&=]/g, "_")}`)
    .join("");
}

/** A signature as Vonage computes it (md5hash lowercase, HMACs uppercase — compared case-insensitively). */
export function vonageSignature(
  secret: string,
  params: Record<string, string>,
  method: VonageSignatureMethod,
): string {
  const signed = vonageSignedString(params);
  if (method === "md5hash")
    return createHash("md5")
      .update(signed + secret)
      .digest("hex");
  return createHmac(method, secret).update(signed).digest("hex").toUpperCase();
}

/** Checks `sig` with the provider's signature secret and refuses timestamps more than 5 minutes away. */
export function verifyVonage(
  secret: string | undefined,
  params: Record<string, string>,
  now = Date.now(),
): boolean {
  const sig = params.sig?.toLowerCase();
  if (!secret || !sig || !/^[0-9a-f]+$/.test(sig)) return false;
  if (!isFresh(params.timestamp, now)) return false;
  const methods = METHODS_BY_LENGTH[sig.length] ?? [];
  return methods.some((m) => safeEqual(vonageSignature(secret, params, m).toLowerCase(), sig));
}

const deliveryReceipt = z.object({
  messageId: z.string().min(1).max(100),
  status: z.string().min(1).max(32),
  "client-ref": z.string().max(100).optional(),
  "err-code": z.string().max(16).optional(),
  price: z.string().max(32).optional(),
  msisdn: z.string().max(64).optional(),
});

const inboundMessage = z.object({
  messageId: z.string().min(1).max(100),
  msisdn: z.string().min(1).max(64),
  to: z.string().min(1).max(64),
  text: z.string().max(10_000).default(""),
  type: z.string().max(16).optional(),
});

const STATUS: Record<string, ProviderEvent["status"]> = {
  delivered: "delivered",
  expired: "undelivered",
  failed: "failed",
  rejected: "failed",
  accepted: "sent",
  buffered: "sent",
};

export type VonageCallback = { kind: "receipt"; event: ProviderEvent } | { kind: "inbound"; sms: InboundSms };

/** Tells a delivery receipt (has `status`) from an inbound message (`msisdn`, `to`, `text`); 400 if it does not parse. */
export function vonageCallback(params: Record<string, string>): VonageCallback {
  if ("status" in params) {
    const parsed = deliveryReceipt.safeParse(params);
    if (!parsed.success) throw payloadError(parsed.error);
    return { kind: "receipt", event: mapVonageReceipt(parsed.data) };
  }
  const parsed = inboundMessage.safeParse(params);
  if (!parsed.success) throw payloadError(parsed.error);
  const m = parsed.data;
  return {
    kind: "inbound",
    sms: {
      from: plusPrefixed(m.msisdn),
      to: plusPrefixed(m.to),
      body: m.text,
      providerMessageId: m.messageId,
      raw: params,
    },
  };
}

function mapVonageReceipt(r: z.infer<typeof deliveryReceipt>): ProviderEvent {
  const price = priceOf(r.price);
  const errCode = r["err-code"] && r["err-code"] !== "0" ? r["err-code"] : null;
  return {
    // Vonage sends no event id: one receipt per message part and status.
    eventId: `dlr:${r.messageId}:${r.status}`,
    type: `dlr.${r.status}`,
    providerMessageId: r.messageId,
    // Parts after the first have their own ids; our id comes back as client-ref.
    messageId: r["client-ref"] ?? null,
    status: STATUS[r.status],
    error: errCode ? `Vonage delivery error ${errCode}` : null,
    // The SMS API bills in the account currency, euros (as the adapter records at send time).
    cost: price ? { amount: price, currency: "EUR" } : null,
  };
}

/**
 * Vonage SMS API delivery receipts and inbound messages (GET or POST, form or
 * JSON), signed with the account's signature secret. The SMS API takes no
 * reply in the webhook answer, so a keyword is acted on and stored only.
 */
export const vonageWebhook: WebhookCapability<VonageConfig, VonageCredentials> = {
  verify(ctx, req) {
    if (!verifyVonage(ctx.credentials.signature_secret, callbackParams(req, req.body)))
      throw invalidSignatureError();
  },
  parse(_ctx, req) {
    const fields = callbackParams(req, req.body);
    const callback = vonageCallback(fields);
    return callback.kind === "inbound"
      ? { events: [], inbound: callback.sms }
      : { events: [{ event: callback.event, raw: fields }] };
  },
};
