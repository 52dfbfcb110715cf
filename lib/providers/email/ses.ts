import { AwsClient } from "aws4fetch";
import MailComposer from "nodemailer/lib/mail-composer";
import { z } from "zod";
import { snsTopicArns } from "@/lib/validation/providers";
import { type ErrorReader, joinUrl, providerFetch } from "../http";
import type { EmailAdapter, EmailMessage } from "../types";
import { sesWebhook } from "./ses-webhook";

const required = () =>
  z.string({ error: "is required" }).trim().min(1, { error: "is required", abort: true });
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());
const baseUrl = optional(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }));

export const sesConfigSchema = z.object({
  region: required().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "must be an AWS region such as us-east-1"),
  configuration_set: optional(z.string().trim()),
  topic_arns: snsTopicArns,
  base_url: baseUrl,
});
export const sesCredentialsSchema = z.object({
  access_key_id: required(),
  secret_access_key: required(),
});

export type SesConfig = z.infer<typeof sesConfigSchema>;
export type SesCredentials = z.infer<typeof sesCredentialsSchema>;

/**
 * SES API v2 SendEmail (POST /v2/email/outbound-emails, SigV4) with a raw MIME
 * message, so attachments and custom headers travel as built here.
 */
export const sesAdapter: EmailAdapter<SesConfig, SesCredentials> = {
  channel: "email",
  label: "Amazon SES",
  configSchema: sesConfigSchema,
  credentialsSchema: sesCredentialsSchema,
  webhook: sesWebhook,
  async send(ctx, message) {
    const { region, configuration_set } = ctx.config;
    const base = ctx.config.base_url ?? `https://email.${region}.amazonaws.com`;
    const url = joinUrl(base, "/v2/email/outbound-emails");
    const raw = await buildMime(message);
    const body = JSON.stringify({
      FromEmailAddress: message.from.email,
      Destination: {
        ToAddresses: message.to,
        ...(message.cc?.length ? { CcAddresses: message.cc } : {}),
        ...(message.bcc?.length ? { BccAddresses: message.bcc } : {}),
      },
      Content: { Raw: { Data: raw.toString("base64") } },
      ...(configuration_set ? { ConfigurationSetName: configuration_set } : {}),
      EmailTags: [{ Name: "switchboard_message_id", Value: message.id }],
    });
    const aws = new AwsClient({
      accessKeyId: ctx.credentials.access_key_id,
      secretAccessKey: ctx.credentials.secret_access_key,
      service: "ses",
      region,
      retries: 0,
    });
    const signed = await aws.sign(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const res = await providerFetch(url, {
      method: "POST",
      headers: signed.headers,
      body,
      signal: ctx.signal,
      readError,
    });
    const id = messageIdOf(res.body);
    return { providerMessageId: id, response: { status: res.status, message_id: id } };
  },
};

/** The full RFC 5322 message, with our stable Message-ID. Bcc stays out of the headers (SES gets it in Destination). */
function buildMime(message: EmailMessage): Promise<Buffer> {
  const composer = new MailComposer({
    from: message.from.name ? { name: message.from.name, address: message.from.email } : message.from.email,
    to: message.to,
    cc: message.cc,
    bcc: message.bcc,
    subject: message.subject,
    text: message.text,
    html: message.html,
    attachments: message.attachments?.map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
    })),
    headers: message.headers,
    messageId: message.messageIdHeader,
  });
  return composer.compile().build();
}

function messageIdOf(body: unknown): string | null {
  if (body && typeof body === "object" && "MessageId" in body && typeof body.MessageId === "string") {
    return body.MessageId;
  }
  return null;
}

/**
 * SES answers 400 both for a bad message (which fails everywhere) and for this
 * account's own state — sending paused or suspended, an unverified identity
 * (sandbox), a missing configuration set — which another provider may not share.
 */
const ACCOUNT_PROBLEM =
  /AccountSuspended|SendingPaused|MailFromDomainNotVerified|not verified|LimitExceeded|NotFoundException|ConfigurationSetDoesNotExist/i;

/** The code is the `x-amzn-ErrorType` header (minus its `:…` suffix) or the body's `__type`/`code`. */
const readError: ErrorReader = ({ headers, body }) => {
  const fields = (body ?? {}) as { __type?: unknown; code?: unknown; message?: unknown };
  const typed = headers.get("x-amzn-errortype") ?? (typeof fields.__type === "string" ? fields.__type : null);
  const code = (
    typed?.split(":")[0]?.split("#").at(-1) ?? (typeof fields.code === "string" ? fields.code : undefined)
  )?.trim();
  const message = typeof fields.message === "string" ? fields.message : "";
  // The message is read to classify only; it is not passed on.
  return { code, retryable: ACCOUNT_PROBLEM.test(`${code ?? ""} ${message}`) };
};
