import { z } from "zod";
import { joinUrl, providerFetch, safeCode } from "../http";
import { ProviderError, type SmsAdapter } from "../types";
import { vonageWebhook } from "./vonage-webhook";

const DEFAULT_BASE_URL = "https://rest.nexmo.com";

const required = () =>
  z.string({ error: "is required" }).trim().min(1, { error: "is required", abort: true });
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());
const baseUrl = optional(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }));

export const vonageConfigSchema = z.object({ base_url: baseUrl });
export const vonageCredentialsSchema = z.object({
  api_key: required(),
  api_secret: required(),
  /** Verifies signed delivery receipts; sending works without it. */
  signature_secret: optional(z.string().trim()),
});

export type VonageConfig = z.infer<typeof vonageConfigSchema>;
export type VonageCredentials = z.infer<typeof vonageCredentialsSchema>;

/**
 * SMS API statuses that fail at any provider: 2 missing parameters, 3 invalid
 * parameters, 6 invalid message (e.g. unknown number prefix), 7 number barred,
 * 12 message too long, 22 invalid network code, 33 number deactivated.
 * Everything else — 1 throttled, 4 invalid credentials, 5 internal error,
 * 8 account barred, 9 quota (credit) exceeded, 10 too many binds, 11 HTTP not
 * enabled, 14 invalid signature, 15 sender not allowed, 29 destination not
 * whitelisted (trial), 32 signature/secret disallowed — is this account's.
 */
const PERMANENT_STATUSES = new Set(["2", "3", "6", "7", "12", "22", "33"]);

interface VonagePart {
  status?: string;
  "message-id"?: string;
  "message-price"?: string;
  "error-text"?: string;
  network?: string;
}

/**
 * Vonage (Nexmo) SMS API: POST /sms/json. It answers HTTP 200 even for
 * failures; each part of a long message carries its own `status`.
 */
export const vonageAdapter: SmsAdapter<VonageConfig, VonageCredentials> = {
  channel: "sms",
  label: "Vonage",
  supportsMms: false,
  configSchema: vonageConfigSchema,
  credentialsSchema: vonageCredentialsSchema,
  webhook: vonageWebhook,
  async send(ctx, message) {
    const from = message.from ?? ctx.sender.phone ?? ctx.sender.sender_id;
    if (!from) throw new ProviderError("No sender: set a phone number or sender ID", true);
    const form = new URLSearchParams({
      api_key: ctx.credentials.api_key,
      api_secret: ctx.credentials.api_secret,
      // Numbers go without the leading "+"; an alphanumeric sender ID as is.
      from: /^\+\d+$/.test(from) ? from.slice(1) : from,
      to: message.to.replace(/^\+/, ""),
      text: message.body,
      "client-ref": message.id,
    });
    if (!isGsm7(message.body)) form.set("type", "unicode");
    if (message.statusCallbackUrl) form.set("callback", message.statusCallbackUrl);

    const res = await providerFetch(joinUrl(ctx.config.base_url ?? DEFAULT_BASE_URL, "/sms/json"), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form.toString(),
      signal: ctx.signal,
    });
    const messages = (res.body as { messages?: unknown } | null)?.messages;
    const parts = Array.isArray(messages) ? (messages as VonagePart[]) : [];
    if (parts.length === 0) {
      throw new ProviderError("Vonage answered without messages", true, res.status);
    }
    const failed = parts.find((p) => p.status !== "0");
    if (failed) {
      const status = String(failed.status ?? "");
      // The status only: Vonage documents each one, and `error-text` is the remote's prose.
      throw new ProviderError(
        `Vonage rejected the message: status ${safeCode(status) ?? "unknown"}`,
        !PERMANENT_STATUSES.has(status),
        res.status,
        safeCode(status),
      );
    }
    const id = parts[0]?.["message-id"] ?? null;
    const price = parts.reduce((sum, p) => sum + (Number(p["message-price"]) || 0), 0);
    return {
      providerMessageId: id,
      // The SMS API reports prices in the account currency, which Vonage bills in euros.
      cost: price > 0 ? { amount: Number(price.toFixed(8)), currency: "EUR" } : null,
      response: {
        status: res.status,
        message_id: id,
        message_ids: parts.map((p) => p["message-id"]),
        message_count: parts.length,
        message_price: price > 0 ? price : null,
        network: parts[0]?.network,
      },
    };
  },
  /** Account API: GET /account/get-balance (credentials in the query); Vonage bills in euros. */
  async fetchBalance(ctx) {
    const query = new URLSearchParams({
      api_key: ctx.credentials.api_key,
      api_secret: ctx.credentials.api_secret,
    });
    const res = await providerFetch(
      `${joinUrl(ctx.config.base_url ?? DEFAULT_BASE_URL, "/account/get-balance")}?${query}`,
      { method: "GET", headers: { accept: "application/json" }, signal: ctx.signal },
    );
    const value = Number((res.body as { value?: unknown } | null)?.value);
    if (!Number.isFinite(value)) throw new ProviderError("Vonage answered without a balance", false);
    return { amount: Number(value.toFixed(6)), currency: "EUR" };
  },
};

/** The GSM 03.38 default alphabet and its extension table; anything else needs `type=unicode`. */
const GSM7 = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€\f",
);

function isGsm7(text: string): boolean {
  for (const ch of text) if (!GSM7.has(ch)) return false;
  return true;
}
