import nodemailer, { type Transporter } from "nodemailer";
import { z } from "zod";
import { type EmailAdapter, type EmailMessage, ProviderError } from "../types";

export const smtpConfig = z.object({
  host: z.string().trim().min(1, "is required"),
  port: z.coerce.number().int().min(1, "must be a port number").max(65535, "must be a port number"),
  tls_mode: z.enum(["starttls", "tls", "none"]).default("starttls"),
});
export const smtpCredentials = z.object({
  user: z.string().optional(),
  password: z.string().optional(),
});
export type SmtpConfig = z.infer<typeof smtpConfig>;
export type SmtpCredentials = z.infer<typeof smtpCredentials>;

// Pooled transports per distinct server and login, reused across sends.
const transports = new Map<string, Transporter>();

function transportFor(config: SmtpConfig, credentials: SmtpCredentials): Transporter {
  const key = JSON.stringify([
    config.host,
    config.port,
    config.tls_mode,
    credentials.user,
    credentials.password,
  ]);
  let t = transports.get(key);
  if (!t) {
    t = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.tls_mode === "tls",
      requireTLS: config.tls_mode === "starttls",
      ignoreTLS: config.tls_mode === "none",
      auth: credentials.user ? { user: credentials.user, pass: credentials.password ?? "" } : undefined,
      pool: true,
      maxConnections: 5,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      tls: { rejectUnauthorized: config.host !== "127.0.0.1" && config.host !== "localhost" },
    });
    transports.set(key, t);
  }
  return t;
}

/** Drops pooled connections (tests, shutdown). */
export function closeSmtpTransports(): void {
  for (const t of transports.values()) t.close();
  transports.clear();
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/** Connection and auth trouble, and 4xx replies, may succeed elsewhere; 5xx replies about the message will not. */
function classify(e: SmtpError): ProviderError {
  const detail = e.response ?? e.message;
  if (e.responseCode) {
    const permanent = e.responseCode >= 500 && e.responseCode !== 530 && e.responseCode !== 535;
    return new ProviderError(`SMTP ${e.responseCode}: ${detail}`, !permanent, e.responseCode, e.code);
  }
  return new ProviderError(`SMTP ${e.code ?? "error"}: ${detail}`, true, undefined, e.code);
}

export function toNodemailerMessage(message: EmailMessage) {
  return {
    messageId: message.messageIdHeader,
    from: message.from.name ? { name: message.from.name, address: message.from.email } : message.from.email,
    to: message.to,
    cc: message.cc,
    bcc: message.bcc,
    subject: message.subject,
    html: message.html,
    text: message.text,
    headers: message.headers,
    attachments: message.attachments?.map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
    })),
  };
}

export const smtpAdapter: EmailAdapter<SmtpConfig, SmtpCredentials> = {
  channel: "email",
  label: "SMTP",
  configSchema: smtpConfig,
  credentialsSchema: smtpCredentials,
  async send(ctx, message) {
    try {
      const info = await transportFor(ctx.config, ctx.credentials).sendMail(toNodemailerMessage(message));
      if (info.rejected.length > 0 && info.accepted.length === 0) {
        throw new ProviderError(`SMTP rejected every recipient: ${info.response}`, false);
      }
      return {
        providerMessageId: info.messageId,
        response: { response: info.response, accepted: info.accepted, rejected: info.rejected },
      };
    } catch (e) {
      if (e instanceof ProviderError) throw e;
      throw classify(e as SmtpError);
    }
  },
};
