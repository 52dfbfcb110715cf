import type { ProviderType } from "@/lib/providers/types";

export interface FieldDef {
  key: string;
  label: string;
  kind?: "text" | "number" | "secret" | "select" | "textarea";
  options?: string[];
  placeholder?: string;
  hint?: string;
  /** Filled in on a new provider: a real default, not a placeholder that looks like one. */
  defaultValue?: string;
  /** Checked in the browser with the rest, so every missing field is named in one go. */
  required?: boolean;
}

/** Well-known SMTP services: host, port and TLS mode, and what they need for a password. */
export interface SmtpPreset {
  id: string;
  label: string;
  host: string;
  port: string;
  tls_mode: "starttls" | "tls" | "none";
  hint: string;
}

export const SMTP_PRESETS: SmtpPreset[] = [
  {
    id: "gmail",
    label: "Gmail / Google Workspace",
    host: "smtp.gmail.com",
    port: "587",
    tls_mode: "starttls",
    hint: "Use an app password (Google Account → Security → 2-Step Verification → App passwords); your normal password is refused.",
  },
  {
    id: "outlook",
    label: "Outlook / Microsoft 365",
    host: "smtp.office365.com",
    port: "587",
    tls_mode: "starttls",
    hint: "SMTP AUTH must be enabled for the mailbox; with multi-factor sign-in, use an app password.",
  },
  {
    id: "yahoo",
    label: "Yahoo Mail",
    host: "smtp.mail.yahoo.com",
    port: "465",
    tls_mode: "tls",
    hint: "Generate an app password under Yahoo Account Security; your normal password is refused.",
  },
];

type SenderKey = "email" | "name" | "phone" | "sender_id";

export interface TypeDef {
  label: string;
  channel: "email" | "sms";
  config: FieldDef[];
  credentials: FieldDef[];
  sender: SenderKey[];
  blurb: string;
}

const baseUrl = (example: string): FieldDef => ({
  key: "base_url",
  label: "Base URL (optional)",
  placeholder: example,
  hint: "Regional endpoint, corporate proxy or a test double",
});
const emailSender: SenderKey[] = ["email", "name"];
const smsSender: SenderKey[] = ["phone", "sender_id"];

/** The form for each provider type: SPEC §3's config and credentials table. */
export const TYPES: Record<ProviderType, TypeDef> = {
  smtp: {
    label: "SMTP",
    channel: "email",
    blurb: "Any SMTP server or relay, through nodemailer.",
    config: [
      { key: "host", label: "Host", placeholder: "smtp.example.com", required: true },
      {
        key: "port",
        label: "Port",
        kind: "number",
        defaultValue: "587",
        required: true,
        hint: "587 with STARTTLS, 465 with TLS, 25 for a local relay",
      },
      { key: "tls_mode", label: "TLS", kind: "select", options: ["starttls", "tls", "none"] },
    ],
    credentials: [
      { key: "user", label: "User", hint: "Often the full email address" },
      { key: "password", label: "Password", kind: "secret" },
    ],
    sender: emailSender,
  },
  sendgrid: {
    label: "SendGrid",
    channel: "email",
    blurb: "SendGrid v3 Mail Send API.",
    config: [baseUrl("https://api.sendgrid.com")],
    credentials: [
      { key: "api_key", label: "API key", kind: "secret" },
      { key: "webhook_public_key", label: "Event webhook verification key", kind: "textarea" },
    ],
    sender: emailSender,
  },
  ses: {
    label: "Amazon SES",
    channel: "email",
    blurb: "Amazon SES v2 SendEmail.",
    config: [
      { key: "region", label: "Region", placeholder: "eu-west-1" },
      { key: "configuration_set", label: "Configuration set (optional)" },
      {
        key: "topic_arns",
        label: "SNS topic ARNs",
        kind: "textarea",
        placeholder: "arn:aws:sns:eu-west-1:123456789012:ses-events",
        hint: "The topics SES publishes events to, separated by commas or new lines; notifications from any other topic are refused",
      },
      baseUrl("https://email.eu-west-1.amazonaws.com"),
    ],
    credentials: [
      { key: "access_key_id", label: "Access key ID" },
      { key: "secret_access_key", label: "Secret access key", kind: "secret" },
    ],
    sender: emailSender,
  },
  mailgun: {
    label: "Mailgun",
    channel: "email",
    blurb: "Mailgun Messages API (US or EU host).",
    config: [
      { key: "domain", label: "Sending domain", placeholder: "mg.example.com" },
      baseUrl("https://api.eu.mailgun.net"),
    ],
    credentials: [
      { key: "api_key", label: "API key", kind: "secret" },
      { key: "webhook_signing_key", label: "Webhook signing key", kind: "secret" },
    ],
    sender: emailSender,
  },
  sandbox: {
    label: "Sandbox (Outbox)",
    channel: "email",
    blurb: "Delivers into the in-app Outbox. No credentials.",
    config: [],
    credentials: [],
    sender: emailSender,
  },
  twilio: {
    label: "Twilio",
    channel: "sms",
    blurb: "Twilio Programmable Messaging (SMS and MMS).",
    config: [
      { key: "messaging_service_sid", label: "Messaging service SID (optional)", placeholder: "MG…" },
      baseUrl("https://api.twilio.com"),
    ],
    credentials: [
      { key: "account_sid", label: "Account SID", placeholder: "AC…" },
      { key: "auth_token", label: "Auth token", kind: "secret" },
    ],
    sender: smsSender,
  },
  sns: {
    label: "Amazon SNS",
    channel: "sms",
    blurb: "Amazon SNS Publish to a phone number.",
    config: [
      { key: "region", label: "Region", placeholder: "us-east-1" },
      baseUrl("https://sns.us-east-1.amazonaws.com"),
    ],
    credentials: [
      { key: "access_key_id", label: "Access key ID" },
      { key: "secret_access_key", label: "Secret access key", kind: "secret" },
    ],
    sender: smsSender,
  },
  africastalking: {
    label: "Africa's Talking",
    channel: "sms",
    blurb: "Africa's Talking SMS API.",
    config: [baseUrl("https://api.africastalking.com")],
    credentials: [
      { key: "username", label: "Username" },
      { key: "api_key", label: "API key", kind: "secret" },
    ],
    sender: smsSender,
  },
  vonage: {
    label: "Vonage",
    channel: "sms",
    blurb: "Vonage (Nexmo) SMS API.",
    config: [baseUrl("https://rest.nexmo.com")],
    credentials: [
      { key: "api_key", label: "API key" },
      { key: "api_secret", label: "API secret", kind: "secret" },
      { key: "signature_secret", label: "Signature secret", kind: "secret" },
    ],
    sender: smsSender,
  },
  messagebird: {
    label: "MessageBird",
    channel: "sms",
    blurb: "MessageBird (Bird) SMS API.",
    config: [baseUrl("https://rest.messagebird.com")],
    credentials: [
      { key: "access_key", label: "Access key", kind: "secret" },
      { key: "signing_key", label: "Signing key", kind: "secret" },
    ],
    sender: smsSender,
  },
  console: {
    label: "Console (Outbox)",
    channel: "sms",
    blurb: "Delivers into the in-app Outbox and the server log. No credentials.",
    config: [],
    credentials: [],
    sender: smsSender,
  },
};

export const SENDER_LABELS: Record<SenderKey, string> = {
  email: "From email",
  name: "From name",
  phone: "From number (E.164 or national)",
  sender_id: "Alphanumeric sender ID",
};
