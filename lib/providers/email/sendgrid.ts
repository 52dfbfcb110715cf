import { z } from "zod";
import { joinUrl, providerFetch } from "../http";
import type { EmailAdapter, EmailMessage } from "../types";
import { sendgridWebhook } from "./sendgrid-webhook";

const DEFAULT_BASE_URL = "https://api.sendgrid.com";

const required = () =>
  z.string({ error: "is required" }).trim().min(1, { error: "is required", abort: true });
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());
const baseUrl = optional(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }));

export const sendgridConfigSchema = z.object({ base_url: baseUrl });
export const sendgridCredentialsSchema = z.object({
  api_key: required(),
  /** Verifies the signed event webhook; sending works without it. */
  webhook_public_key: optional(z.string().trim()),
});

export type SendgridConfig = z.infer<typeof sendgridConfigSchema>;
export type SendgridCredentials = z.infer<typeof sendgridCredentialsSchema>;

/** SendGrid v3 Mail Send: POST /v3/mail/send, answered 202 with the id in `X-Message-Id`. */
export const sendgridAdapter: EmailAdapter<SendgridConfig, SendgridCredentials> = {
  channel: "email",
  label: "SendGrid",
  configSchema: sendgridConfigSchema,
  credentialsSchema: sendgridCredentialsSchema,
  webhook: sendgridWebhook,
  async send(ctx, message) {
    const url = joinUrl(ctx.config.base_url ?? DEFAULT_BASE_URL, "/v3/mail/send");
    const res = await providerFetch(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${ctx.credentials.api_key}`,
        "content-type": "application/json",
        accept: "application/json",
      },
      body: JSON.stringify(mailSendBody(message)),
      signal: ctx.signal,
    });
    const id = res.headers.get("x-message-id");
    return { providerMessageId: id, response: { status: res.status, message_id: id } };
  },
};

function mailSendBody(message: EmailMessage) {
  const emails = (list: string[] | undefined) =>
    list?.length ? list.map((email) => ({ email })) : undefined;
  const content: { type: string; value: string }[] = [];
  // SendGrid requires text/plain before text/html.
  if (message.text) content.push({ type: "text/plain", value: message.text });
  if (message.html) content.push({ type: "text/html", value: message.html });
  return {
    personalizations: [{ to: emails(message.to), cc: emails(message.cc), bcc: emails(message.bcc) }],
    from: message.from.name
      ? { email: message.from.email, name: message.from.name }
      : { email: message.from.email },
    subject: message.subject,
    content,
    attachments: message.attachments?.length
      ? message.attachments.map((a) => ({
          content: a.content.toString("base64"),
          filename: a.filename,
          type: a.contentType,
          disposition: "attachment",
        }))
      : undefined,
    headers: { ...otherHeaders(message.headers), "Message-ID": message.messageIdHeader },
    custom_args: { switchboard_message_id: message.id },
  };
}

/** The message's extra headers, minus any Message-ID of its own: ours is the one that counts. */
function otherHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).filter(([name]) => name.toLowerCase() !== "message-id"),
  );
}
