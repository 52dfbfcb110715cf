import { z } from "zod";
import { basicAuth, joinUrl, providerFetch } from "../http";
import type { EmailAdapter, EmailMessage } from "../types";
import { mailgunWebhook } from "./mailgun-webhook";

const DEFAULT_BASE_URL = "https://api.mailgun.net";

const required = () =>
  z.string({ error: "is required" }).trim().min(1, { error: "is required", abort: true });
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());
const baseUrl = optional(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }));

export const mailgunConfigSchema = z.object({
  domain: required().regex(
    /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$/,
    "must be a domain name",
  ),
  base_url: baseUrl,
});
export const mailgunCredentialsSchema = z.object({
  api_key: required(),
  /** Verifies webhooks; sending works without it. */
  webhook_signing_key: optional(z.string().trim()),
});

export type MailgunConfig = z.infer<typeof mailgunConfigSchema>;
export type MailgunCredentials = z.infer<typeof mailgunCredentialsSchema>;

/** Mailgun Messages API: POST /v3/{domain}/messages, multipart/form-data, Basic auth `api:<key>`. */
export const mailgunAdapter: EmailAdapter<MailgunConfig, MailgunCredentials> = {
  channel: "email",
  label: "Mailgun",
  configSchema: mailgunConfigSchema,
  credentialsSchema: mailgunCredentialsSchema,
  webhook: mailgunWebhook,
  async send(ctx, message) {
    const path = `/v3/${encodeURIComponent(ctx.config.domain)}/messages`;
    const url = joinUrl(ctx.config.base_url ?? DEFAULT_BASE_URL, path);
    const res = await providerFetch(url, {
      method: "POST",
      headers: { authorization: basicAuth("api", ctx.credentials.api_key), accept: "application/json" },
      body: formOf(message),
      signal: ctx.signal,
      // 404: the domain is not on this account — this provider's setup, not the message.
      readError: ({ status }) => ({ retryable: status === 404 }),
    });
    const body = (res.body ?? {}) as { id?: unknown };
    // Mailgun answers "<id@domain>"; its events carry the id without the brackets.
    const id = typeof body.id === "string" ? body.id.replace(/^<|>$/g, "") : null;
    return {
      providerMessageId: id,
      response: { status: res.status, id },
    };
  },
};

function formOf(message: EmailMessage): FormData {
  const form = new FormData();
  form.append("from", formatAddress(message.from.email, message.from.name));
  for (const to of message.to) form.append("to", to);
  for (const cc of message.cc ?? []) form.append("cc", cc);
  for (const bcc of message.bcc ?? []) form.append("bcc", bcc);
  form.append("subject", message.subject);
  if (message.text) form.append("text", message.text);
  if (message.html) form.append("html", message.html);
  for (const a of message.attachments ?? []) {
    form.append("attachment", new Blob([new Uint8Array(a.content)], { type: a.contentType }), a.filename);
  }
  form.append("h:Message-Id", message.messageIdHeader);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (name.toLowerCase() !== "message-id") form.append(`h:${name}`, value);
  }
  form.append("v:switchboard_message_id", message.id);
  return form;
}

function formatAddress(email: string, name?: string): string {
  if (!name) return email;
  return `"${name.replace(/["\\]/g, "\\$&")}" <${email}>`;
}
