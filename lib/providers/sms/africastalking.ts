import { z } from "zod";
import { joinUrl, providerFetch, safeCode } from "../http";
import { ProviderError, type SmsAdapter } from "../types";
import { africastalkingWebhook } from "./africastalking-webhook";

const DEFAULT_BASE_URL = "https://api.africastalking.com";
const SANDBOX_BASE_URL = "https://api.sandbox.africastalking.com";

const required = () =>
  z.string({ error: "is required" }).trim().min(1, { error: "is required", abort: true });
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());
const baseUrl = optional(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }));

export const africastalkingConfigSchema = z.object({ base_url: baseUrl });
export const africastalkingCredentialsSchema = z.object({
  username: required(),
  api_key: required(),
});

export type AfricastalkingConfig = z.infer<typeof africastalkingConfigSchema>;
export type AfricastalkingCredentials = z.infer<typeof africastalkingCredentialsSchema>;

/** Per-recipient status codes: 100 Processed, 101 Sent, 102 Queued. */
const SUCCESS = new Set([100, 101, 102]);
/**
 * Failures that are about the recipient and will fail at any provider:
 * 403 InvalidPhoneNumber, 404 UnsupportedNumberType, 406 UserInBlacklist,
 * 409 DoNotDisturbRejection. The rest — 401 RiskHold, 402 InvalidSenderId,
 * 405 InsufficientBalance, 407 CouldNotRoute, 500 InternalServerError,
 * 501 GatewayError, 502 RejectedByGateway — are this account's or this
 * gateway's, so another provider may succeed.
 */
const RECIPIENT_FAILURES = new Set([403, 404, 406, 409]);
const RECIPIENT_FAILURE_NAMES = /InvalidPhoneNumber|UnsupportedNumberType|UserInBlacklist|DoNotDisturb/i;

interface AtRecipient {
  number?: string;
  status?: string;
  statusCode?: number | string;
  messageId?: string;
  cost?: string;
  messageParts?: number;
}

/** Africa's Talking bulk SMS: POST /version1/messaging, form encoded, `apiKey` header. */
export const africastalkingAdapter: SmsAdapter<AfricastalkingConfig, AfricastalkingCredentials> = {
  channel: "sms",
  label: "Africa's Talking",
  supportsMms: false,
  configSchema: africastalkingConfigSchema,
  credentialsSchema: africastalkingCredentialsSchema,
  webhook: africastalkingWebhook,
  async send(ctx, message) {
    const { username, api_key } = ctx.credentials;
    const base = ctx.config.base_url ?? (username === "sandbox" ? SANDBOX_BASE_URL : DEFAULT_BASE_URL);
    const form = new URLSearchParams({ username, to: message.to, message: message.body });
    const from = message.from ?? ctx.sender.phone ?? ctx.sender.sender_id;
    if (from) form.set("from", from);
    const res = await providerFetch(joinUrl(base, "/version1/messaging"), {
      method: "POST",
      headers: {
        apiKey: api_key,
        accept: "application/json",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: form.toString(),
      signal: ctx.signal,
    });

    const data = (res.body as { SMSMessageData?: { Message?: unknown; Recipients?: unknown } } | null)
      ?.SMSMessageData;
    const recipients = Array.isArray(data?.Recipients) ? (data.Recipients as AtRecipient[]) : [];
    const recipient = recipients[0];
    if (!recipient) {
      // e.g. {"SMSMessageData":{"Message":"InvalidSenderId","Recipients":[]}}; only a code-like
      // Message is passed on, never other text.
      const reason = typeof data?.Message === "string" ? data.Message : "";
      const code = safeCode(reason);
      throw new ProviderError(
        `Africa's Talking rejected the message${code ? `: ${code}` : " without a recipient status"}`,
        !RECIPIENT_FAILURE_NAMES.test(reason),
        res.status,
        code,
      );
    }
    const code = Number(recipient.statusCode);
    if (!SUCCESS.has(code)) {
      throw new ProviderError(
        `Africa's Talking rejected the message: ${safeCode(recipient.status) ?? "status"} (${safeCode(recipient.statusCode) ?? "unknown"})`,
        !RECIPIENT_FAILURES.has(code),
        res.status,
        safeCode(recipient.statusCode),
      );
    }
    const id = recipient.messageId && recipient.messageId !== "None" ? recipient.messageId : null;
    return {
      providerMessageId: id,
      cost: parseCost(recipient.cost),
      response: {
        status: res.status,
        message_id: id,
        recipient_status: recipient.status,
        status_code: code,
        cost: recipient.cost,
        message_parts: recipient.messageParts,
      },
    };
  },
  /** GET /version1/user?username=: `{UserData: {balance: "KES 1785.50"}}`. */
  async fetchBalance(ctx) {
    const { username, api_key } = ctx.credentials;
    const base = ctx.config.base_url ?? (username === "sandbox" ? SANDBOX_BASE_URL : DEFAULT_BASE_URL);
    const res = await providerFetch(
      `${joinUrl(base, "/version1/user")}?${new URLSearchParams({ username })}`,
      {
        method: "GET",
        headers: { apiKey: api_key, accept: "application/json" },
        signal: ctx.signal,
      },
    );
    const raw = (res.body as { UserData?: { balance?: unknown } } | null)?.UserData?.balance;
    const m = typeof raw === "string" ? /^\s*([A-Za-z]{3})\s+(-?\d+(?:\.\d+)?)\s*$/.exec(raw) : null;
    if (!m?.[1] || !m[2]) throw new ProviderError("Africa's Talking answered without a balance", false);
    return { amount: Number(Number(m[2]).toFixed(6)), currency: m[1].toUpperCase() };
  },
};

/** "KES 0.8000" → {amount: 0.8, currency: "KES"}; "0" or anything else → null. */
function parseCost(cost: unknown): { amount: number; currency: string } | null {
  if (typeof cost !== "string") return null;
  const m = /^\s*([A-Za-z]{3})\s+(\d+(?:\.\d+)?)\s*$/.exec(cost);
  if (!m?.[1] || !m[2]) return null;
  const amount = Number(m[2]);
  return amount > 0 ? { amount, currency: m[1].toUpperCase() } : null;
}
