import type { z } from "zod";
import type { WebhookCapability } from "./webhook";

export const EMAIL_PROVIDER_TYPES = ["smtp", "sendgrid", "ses", "mailgun", "sandbox"] as const;
export const SMS_PROVIDER_TYPES = [
  "twilio",
  "sns",
  "africastalking",
  "vonage",
  "messagebird",
  "console",
] as const;
export const PROVIDER_TYPES = [...EMAIL_PROVIDER_TYPES, ...SMS_PROVIDER_TYPES] as const;

export type EmailProviderType = (typeof EMAIL_PROVIDER_TYPES)[number];
export type SmsProviderType = (typeof SMS_PROVIDER_TYPES)[number];
export type ProviderType = (typeof PROVIDER_TYPES)[number];
export type Channel = "email" | "sms";

export function channelOf(type: ProviderType): Channel {
  return (EMAIL_PROVIDER_TYPES as readonly string[]).includes(type) ? "email" : "sms";
}

/** Who a message is from, as configured on the provider. */
export interface Sender {
  email?: string;
  name?: string;
  phone?: string;
  sender_id?: string;
}

export interface EmailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface EmailMessage {
  /** Our message id; adapters pass it to the provider (custom args / tags) so webhooks can find the message. */
  id: string;
  /** RFC 5322 Message-ID, stable per message so a receiver can recognise a repeat: `<id@domain>`. */
  messageIdHeader: string;
  from: { email: string; name?: string };
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  html?: string;
  text?: string;
  attachments?: EmailAttachment[];
  /** Extra headers such as List-Unsubscribe. */
  headers?: Record<string, string>;
}

export interface SmsMessage {
  id: string;
  /** E.164 phone number or alphanumeric sender ID. */
  from?: string;
  /** E.164. */
  to: string;
  body: string;
  mediaUrls?: string[];
  /** Where the provider should post delivery reports, when it takes one per message. */
  statusCallbackUrl?: string;
}

export interface SendResult {
  /** The provider's id for the message, used to match webhooks. */
  providerMessageId: string | null;
  /** Price the provider reported for this message, when it reports one at send time. */
  cost?: { amount: number; currency: string } | null;
  /** The provider's answer, summarised for the attempt log (never credentials). */
  response?: unknown;
}

/**
 * A failed provider call. `retryable` says whether the same message may succeed
 * elsewhere (timeouts, connection refused, 5xx, 429, bad credentials of this
 * provider) — the sender then fails over — or will fail everywhere (invalid
 * recipient, rejected content), when it stops.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly providerCode?: string,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

export interface AdapterContext<C, K> {
  /** The organisation and provider row the call is made for (the sandbox and console providers store by them). */
  orgId?: string;
  providerId?: string;
  config: C;
  credentials: K;
  sender: Sender;
  /** Aborts the provider call (timeouts). */
  signal?: AbortSignal;
}

interface AdapterBase<C, K> {
  configSchema: z.ZodType<C>;
  credentialsSchema: z.ZodType<K>;
  /** Human name for forms. */
  label: string;
  /** Verifies and reads the provider's webhooks, for providers that send them. */
  webhook?: WebhookCapability<C, K>;
  /** The account's balance from the provider's own API, for providers that have one. */
  fetchBalance?(ctx: AdapterContext<C, K>): Promise<{ amount: number; currency: string }>;
}

export interface EmailAdapter<C = unknown, K = unknown> extends AdapterBase<C, K> {
  channel: "email";
  send(ctx: AdapterContext<C, K>, message: EmailMessage): Promise<SendResult>;
}

/** What a provider says now about a message it took, for providers with a status lookup. */
export interface StatusLookup {
  /** The provider's own status word. */
  providerStatus: string;
  status: "sent" | "delivered" | "undelivered" | "failed" | null;
  cost?: { amount: number; currency: string } | null;
  error?: string | null;
}

export interface SmsAdapter<C = unknown, K = unknown> extends AdapterBase<C, K> {
  channel: "sms";
  supportsMms: boolean;
  send(ctx: AdapterContext<C, K>, message: SmsMessage): Promise<SendResult>;
  /** Asks the provider for a message's current status (used to heal missed webhooks). */
  fetchStatus?(ctx: AdapterContext<C, K>, providerMessageId: string): Promise<StatusLookup>;
}

export type Adapter = EmailAdapter | SmsAdapter;
