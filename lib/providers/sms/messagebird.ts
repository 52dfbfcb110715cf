import { z } from "zod";
import { type ErrorReader, joinUrl, numericCode, providerFetch } from "../http";
import { ProviderError, type SmsAdapter } from "../types";
import { messagebirdWebhook } from "./messagebird-webhook";

const DEFAULT_BASE_URL = "https://rest.messagebird.com";

const required = () =>
  z.string({ error: "is required" }).trim().min(1, { error: "is required", abort: true });
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());
const baseUrl = optional(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }));

export const messagebirdConfigSchema = z.object({ base_url: baseUrl });
export const messagebirdCredentialsSchema = z.object({
  access_key: required(),
  /** Verifies signed webhooks; sending works without it. */
  signing_key: optional(z.string().trim()),
});

export type MessagebirdConfig = z.infer<typeof messagebirdConfigSchema>;
export type MessagebirdCredentials = z.infer<typeof messagebirdCredentialsSchema>;

/**
 * MessageBird error codes (in `{errors:[{code, description, parameter}]}`) that
 * are about this account rather than the message: 2 request not allowed
 * (bad access key), 25 not enough balance, 99 internal error.
 */
const ACCOUNT_ERRORS = new Set(["2", "25", "99"]);

/** MessageBird SMS: POST /messages, JSON, `Authorization: AccessKey <key>`; answers 201 with the message. */
export const messagebirdAdapter: SmsAdapter<MessagebirdConfig, MessagebirdCredentials> = {
  channel: "sms",
  label: "MessageBird",
  supportsMms: false,
  configSchema: messagebirdConfigSchema,
  credentialsSchema: messagebirdCredentialsSchema,
  webhook: messagebirdWebhook,
  async send(ctx, message) {
    const from = message.from ?? ctx.sender.phone ?? ctx.sender.sender_id;
    if (!from) throw new ProviderError("No sender: set a phone number or sender ID", true);
    const payload = {
      // Numbers without the "+"; an alphanumeric originator as is.
      originator: /^\+\d+$/.test(from) ? from.slice(1) : from,
      recipients: [message.to.replace(/^\+/, "")],
      body: message.body,
      reference: message.id,
      ...(message.statusCallbackUrl ? { reportUrl: message.statusCallbackUrl } : {}),
    };
    const res = await providerFetch(joinUrl(ctx.config.base_url ?? DEFAULT_BASE_URL, "/messages"), {
      method: "POST",
      headers: {
        authorization: `AccessKey ${ctx.credentials.access_key}`,
        "content-type": "application/json",
        accept: "application/json",
      },
      body: JSON.stringify(payload),
      signal: ctx.signal,
      readError,
    });
    const body = (res.body ?? {}) as { id?: unknown; recipients?: { totalCount?: unknown } };
    const id = typeof body.id === "string" ? body.id : null;
    return {
      providerMessageId: id,
      response: { status: res.status, id, total_recipients: body.recipients?.totalCount },
    };
  },
  /** GET /balance: `{payment, type: "credits"|"euros", amount}`. */
  async fetchBalance(ctx) {
    const res = await providerFetch(joinUrl(ctx.config.base_url ?? DEFAULT_BASE_URL, "/balance"), {
      method: "GET",
      headers: { authorization: `AccessKey ${ctx.credentials.access_key}`, accept: "application/json" },
      signal: ctx.signal,
      readError,
    });
    const body = (res.body ?? {}) as { amount?: unknown; type?: unknown };
    const amount = Number(body.amount);
    if (body.amount === undefined || !Number.isFinite(amount))
      throw new ProviderError("MessageBird answered without a balance", false);
    const currency = body.type === "euros" ? "EUR" : typeof body.type === "string" ? body.type : "credits";
    return { amount: Number(amount.toFixed(6)), currency };
  },
};

const readError: ErrorReader = ({ status, body }) => {
  const errors = (body as { errors?: unknown } | null)?.errors;
  const raw = Array.isArray(errors) ? (errors[0] as { code?: unknown } | undefined)?.code : undefined;
  const code = numericCode(raw);
  // 402: payment required (no balance) — this account's.
  return { code, retryable: status === 402 || (code !== undefined && ACCOUNT_ERRORS.has(code)) };
};
