import { z } from "zod";
import {
  basicAuth,
  checkMediaUrls,
  type ErrorReader,
  joinUrl,
  numericCode,
  providerFetch,
  safeCode,
} from "../http";
import { ProviderError, type SmsAdapter, type StatusLookup } from "../types";
import { twilioWebhook } from "./twilio-webhook";

const DEFAULT_BASE_URL = "https://api.twilio.com";

const required = () =>
  z.string({ error: "is required" }).trim().min(1, { error: "is required", abort: true });
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());
const baseUrl = optional(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }));

export const twilioConfigSchema = z.object({
  messaging_service_sid: optional(
    z
      .string()
      .trim()
      .regex(/^MG[0-9a-fA-F]{32}$/, "must be a Messaging Service SID (MG…)"),
  ),
  base_url: baseUrl,
});
export const twilioCredentialsSchema = z.object({
  account_sid: required().regex(/^AC[0-9a-fA-F]{32}$/, "must be an Account SID (AC…)"),
  auth_token: required(),
});

export type TwilioConfig = z.infer<typeof twilioConfigSchema>;
export type TwilioCredentials = z.infer<typeof twilioCredentialsSchema>;

/**
 * Twilio error codes answered with HTTP 400 that concern this account's setup
 * rather than the message, so another provider may still deliver it:
 * 21408 region not enabled, 21606 From number not usable, 21608 trial account
 * to an unverified number, 21611 From's queue full, 21612 To unreachable from
 * this From, 21659 From is not a Twilio number.
 */
const ACCOUNT_ERRORS = new Set(["21408", "21606", "21608", "21611", "21612", "21659"]);

/** Twilio Programmable Messaging: POST /2010-04-01/Accounts/{sid}/Messages.json, form encoded. */
export const twilioAdapter: SmsAdapter<TwilioConfig, TwilioCredentials> = {
  channel: "sms",
  label: "Twilio",
  supportsMms: true,
  configSchema: twilioConfigSchema,
  credentialsSchema: twilioCredentialsSchema,
  webhook: twilioWebhook,
  async send(ctx, message) {
    const { account_sid, auth_token } = ctx.credentials;
    const form = new URLSearchParams({ To: message.to, Body: message.body });
    const from = message.from ?? ctx.sender.phone ?? ctx.sender.sender_id;
    if (ctx.config.messaging_service_sid) {
      form.set("MessagingServiceSid", ctx.config.messaging_service_sid);
      // A From chosen for this message still applies (it must belong to the service's pool).
      if (message.from) form.set("From", message.from);
    } else if (from) {
      form.set("From", from);
    } else {
      throw new ProviderError("No sender: set a phone number, sender ID or Messaging Service SID", true);
    }
    checkMediaUrls(message.mediaUrls);
    for (const mediaUrl of message.mediaUrls ?? []) form.append("MediaUrl", mediaUrl);
    if (message.statusCallbackUrl) form.set("StatusCallback", message.statusCallbackUrl);

    const path = `/2010-04-01/Accounts/${encodeURIComponent(account_sid)}/Messages.json`;
    const res = await providerFetch(joinUrl(ctx.config.base_url ?? DEFAULT_BASE_URL, path), {
      method: "POST",
      headers: {
        authorization: basicAuth(account_sid, auth_token),
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: form.toString(),
      signal: ctx.signal,
      readError,
    });
    const body = (res.body ?? {}) as {
      sid?: unknown;
      status?: unknown;
      price?: unknown;
      price_unit?: unknown;
      num_segments?: unknown;
    };
    const sid = typeof body.sid === "string" ? body.sid : null;
    return {
      providerMessageId: sid,
      cost: costOf(body.price, body.price_unit),
      response: {
        status: res.status,
        sid,
        message_status: body.status,
        num_segments: body.num_segments,
        price: body.price ?? null,
        price_unit: body.price_unit ?? null,
      },
    };
  },
  async fetchBalance(ctx) {
    const { account_sid, auth_token } = ctx.credentials;
    const path = `/2010-04-01/Accounts/${encodeURIComponent(account_sid)}/Balance.json`;
    const res = await providerFetch(joinUrl(ctx.config.base_url ?? DEFAULT_BASE_URL, path), {
      method: "GET",
      headers: { authorization: basicAuth(account_sid, auth_token), accept: "application/json" },
      signal: ctx.signal,
      readError,
    });
    const body = (res.body ?? {}) as { balance?: unknown; currency?: unknown };
    return balanceOf(body.balance, body.currency);
  },
  async fetchStatus(ctx, sid) {
    const { account_sid, auth_token } = ctx.credentials;
    const path = `/2010-04-01/Accounts/${encodeURIComponent(account_sid)}/Messages/${encodeURIComponent(sid)}.json`;
    const res = await providerFetch(joinUrl(ctx.config.base_url ?? DEFAULT_BASE_URL, path), {
      method: "GET",
      headers: { authorization: basicAuth(account_sid, auth_token), accept: "application/json" },
      signal: ctx.signal,
      readError,
    });
    const body = (res.body ?? {}) as {
      status?: unknown;
      price?: unknown;
      price_unit?: unknown;
      error_code?: unknown;
    };
    const providerStatus = typeof body.status === "string" ? body.status : "unknown";
    const map: Record<string, StatusLookup["status"]> = {
      sent: "sent",
      delivered: "delivered",
      read: "delivered",
      undelivered: "undelivered",
      failed: "failed",
    };
    return {
      providerStatus,
      status: map[providerStatus] ?? null,
      cost: costOf(body.price, body.price_unit),
      // The code only: Twilio documents each one, and its text is the remote's to say.
      error: safeCode(body.error_code) ? `Twilio error ${safeCode(body.error_code)}` : null,
    };
  },
};

/** Twilio reports prices as negative decimal strings ("-0.0075"), usually null until the message is sent. */
function costOf(price: unknown, unit: unknown): { amount: number; currency: string } | null {
  if (price === null || price === undefined || typeof unit !== "string" || !unit) return null;
  const amount = Math.abs(Number(price));
  if (!Number.isFinite(amount) || amount === 0) return null;
  return { amount, currency: unit.toUpperCase() };
}

function balanceOf(amount: unknown, currency: unknown): { amount: number; currency: string } {
  const n = Number(amount);
  if (
    amount === null ||
    amount === undefined ||
    amount === "" ||
    !Number.isFinite(n) ||
    typeof currency !== "string"
  )
    throw new ProviderError("Provider answered without a balance", false);
  return { amount: Number(n.toFixed(6)), currency: currency.toUpperCase() };
}

/** Twilio's error body is `{code, message, more_info, status}`; the code picks out account problems. */
const readError: ErrorReader = ({ status, body }) => {
  const raw = (body as { code?: unknown } | null)?.code;
  const code = numericCode(raw);
  // 404: no such account (wrong SID) — this provider's setup.
  return { code, retryable: status === 404 || (code !== undefined && ACCOUNT_ERRORS.has(code)) };
};
