import type { MessageStatus } from "@/lib/db/schema";

// What a provider's webhook capability deals in: the request it verifies, the
// context it verifies with, and what it parses the request into. The shared
// route handler (lib/api/webhook-route.ts) does the rest: capped reading,
// provider lookup, storing and applying.

/** A normalised provider event: a status change of one message, or an engagement event beside it. */
export interface ProviderEvent {
  /** The provider's id for this event (deduplication key). */
  eventId: string;
  /** Provider's own name of the event, kept for debugging. */
  type: string;
  /** The message: by the provider's message id, or by our id when the provider echoes it back. */
  providerMessageId?: string | null;
  messageId?: string | null;
  status?: Extract<MessageStatus, "sent" | "delivered" | "undelivered" | "failed" | "bounced">;
  /** opened, clicked, complained, unsubscribed, deferred … */
  engagement?: string;
  at?: Date;
  error?: string | null;
  /** Price the provider reports for the message. */
  cost?: { amount: number; currency: string } | null;
  /** The address to suppress: hard bounces and spam complaints. */
  suppress?: { address: string; reason: "hard_bounce" | "complaint"; detail?: string } | null;
  data?: Record<string, unknown>;
  /**
   * A single-use value of the request's signature (Mailgun's token, which
   * does not cover the event): claimed in the transaction that stores the
   * event, so of concurrent requests carrying it only one event is applied.
   */
  nonce?: string;
}

/** An incoming SMS as a provider reports it. */
export interface InboundSms {
  from: string;
  to: string;
  body: string;
  providerMessageId?: string | null;
  mediaUrls?: string[];
  /** The raw request, stored once per provider message id so a retried delivery is not handled twice. */
  raw?: unknown;
}

/** A webhook request, its body already read through the capped reader. */
export interface WebhookRequest {
  method: string;
  /** The URL the request arrived on. */
  url: string;
  /** The URL as the provider signed it: APP_URL + path + query when APP_URL is set (SPEC §5). */
  signedUrl: string;
  headers: Headers;
  body: Buffer;
  /** Which of the provider's URLs was called, for providers with more than one (Twilio: status, inbound). */
  endpoint?: string;
}

/** The provider a webhook URL names, with its parsed config and decrypted credentials. */
export interface WebhookContext<C, K> {
  providerId: string;
  config: C;
  credentials: K;
  /** Generation of the callback URL's token, for providers whose URL carries one (bumped by rotating it). */
  webhookTokenVersion: number;
}

/** What a verified request carries. */
export interface WebhookPayload {
  /** Events to store once and apply. */
  events: { event: ProviderEvent; raw: unknown }[];
  /** An incoming message (stored for conversations, keywords acted on). */
  inbound?: InboundSms;
  /** A step the protocol requires before anything is stored (SNS subscription confirmation). */
  confirm?: () => Promise<void>;
  /** Extra fields of the JSON answer. */
  answer?: Record<string, unknown>;
}

/** A provider's webhooks: how its requests are verified and read. */
export interface WebhookCapability<C, K> {
  /** Body cap in bytes, when the provider's documented batches need more than the default 1 MB. */
  maxBody?: number;
  /** Resolves when the request is authentic; throws 401 (AppError) otherwise, 400 for a body that cannot be read. */
  verify(ctx: WebhookContext<C, K>, req: WebhookRequest): void | Promise<void>;
  /** Reads a verified request (400 naming the bad fields). */
  parse(ctx: WebhookContext<C, K>, req: WebhookRequest): WebhookPayload;
  /**
   * For providers that sign nothing: the secret token their callback URL
   * carries (null until the credentials it derives from are saved). Having one
   * makes the token rotatable.
   */
  callbackToken?(ctx: WebhookContext<C, K>): string | null;
  /** The answer to an incoming message, for providers that take the reply in the response (Twilio's TwiML). */
  inboundReply?(reply: string | null): Response;
}
