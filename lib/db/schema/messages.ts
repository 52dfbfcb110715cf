import { sql } from "drizzle-orm";
import {
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { organisations } from "./organisations";
import { channelEnum, providers, providerTypeEnum } from "./providers";
import { templates } from "./templates";

export const MESSAGE_STATUSES = [
  "scheduled",
  "queued",
  "sending",
  "sent",
  "delivered",
  "failed",
  "undelivered",
  "bounced",
  "rejected",
  "cancelled",
] as const;
export const messageStatusEnum = pgEnum("message_status", MESSAGE_STATUSES);
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export const attemptOutcomeEnum = pgEnum("attempt_outcome", ["success", "failure"]);

export interface StoredAttachment {
  filename: string;
  content_type: string;
  content_base64: string;
}

export const messages = pgTable(
  "messages",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    channel: channelEnum().notNull(),
    direction: text().notNull().default("outbound"),
    status: messageStatusEnum().notNull(),
    to: text().notNull(),
    cc: jsonb().$type<string[]>(),
    bcc: jsonb().$type<string[]>(),
    from: text(),
    subject: text(),
    html: text(),
    text: text(),
    body: text(),
    category: text().notNull().default("transactional"),
    templateId: uuid().references(() => templates.id, { onDelete: "set null" }),
    templateVersion: integer(),
    variables: jsonb().$type<Record<string, unknown>>(),
    campaignId: uuid(),
    contactId: uuid(),
    batchId: uuid(),
    providerId: uuid().references(() => providers.id, { onDelete: "set null" }),
    providerType: providerTypeEnum(),
    providerMessageId: text(),
    segments: integer(),
    encoding: text(),
    estimatedCost: numeric({ precision: 14, scale: 6, mode: "number" }),
    cost: numeric({ precision: 14, scale: 6, mode: "number" }),
    currency: text(),
    /** `estimate` until the provider reports the real price, then `provider` (SPEC §4). */
    costSource: text().$type<"estimate" | "provider">().notNull().default("estimate"),
    /** Last time the provider was asked for a price it had not reported yet (Twilio: null for a while). */
    priceCheckedAt: timestamp({ withTimezone: true, precision: 3 }),
    mediaUrls: jsonb().$type<string[]>(),
    attachments: jsonb().$type<StoredAttachment[]>(),
    headers: jsonb().$type<Record<string, string>>(),
    metadata: jsonb().$type<Record<string, unknown>>(),
    error: text(),
    /** The failed message this one resends (POST /messages/{id}/resend). */
    resentFrom: uuid(),
    /** The A/B variant of a campaign message (its name). */
    variant: text(),
    attemptCount: integer().notNull().default(0),
    scheduledAt: timestamp({ withTimezone: true, precision: 3 }),
    sendingAt: timestamp({ withTimezone: true, precision: 3 }),
    sentAt: timestamp({ withTimezone: true, precision: 3 }),
    deliveredAt: timestamp({ withTimezone: true, precision: 3 }),
    ...timestamps,
  },
  (t) => [
    index("messages_org_created_idx").on(t.orgId, t.createdAt, t.id),
    index("messages_org_status_idx").on(t.orgId, t.status),
    // Micro-batching: an organisation's due, never-tried single sends, in order, apart from its campaigns' queues.
    index("messages_single_queued_idx")
      .on(t.orgId, t.createdAt)
      .where(sql`${t.campaignId} is null and ${t.status} = 'queued' and ${t.attemptCount} = 0`),
    index("messages_provider_message_idx").on(t.providerId, t.providerMessageId),
    index("messages_status_scheduled_idx").on(t.status, t.scheduledAt),
    index("messages_batch_idx").on(t.batchId),
    // One message per campaign recipient: a re-run of a launch cannot create a second copy.
    uniqueIndex("messages_campaign_contact_key").on(t.campaignId, t.contactId),
    index("messages_campaign_status_idx").on(t.campaignId, t.status),
    index("messages_campaign_variant_idx").on(t.campaignId, t.variant),
    // The rollup refresh reads what changed since its watermark.
    index("messages_updated_idx").on(t.updatedAt),
    // A message is resent once: a second resend of the same original is refused by the database too.
    uniqueIndex("messages_resent_from_key").on(t.resentFrom),
  ],
);

export const messageAttempts = pgTable(
  "message_attempts",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    messageId: uuid()
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    providerId: uuid().references(() => providers.id, { onDelete: "set null" }),
    providerType: providerTypeEnum().notNull(),
    outcome: attemptOutcomeEnum().notNull(),
    error: text(),
    response: jsonb(),
    durationMs: integer(),
    /** What the provider charged for this attempt (a failed attempt it billed before a failover). */
    cost: numeric({ precision: 14, scale: 6, mode: "number" }),
    currency: text(),
    at: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index("message_attempts_message_idx").on(t.messageId, t.at)],
);

export const messageEvents = pgTable(
  "message_events",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    messageId: uuid()
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    type: text().notNull(),
    data: jsonb().$type<Record<string, unknown>>(),
    at: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index("message_events_message_idx").on(t.messageId, t.at),
    // GET /delivery/real-time: an organisation's latest status changes.
    index("message_events_org_at_idx").on(t.orgId, t.at),
  ],
);

/** Idempotency-Key per organisation: the first answer is replayed for 24 h. */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    key: text().notNull(),
    /** SHA-256 of method, path and body: the same key with another body is a conflict. */
    requestHash: text().notNull(),
    responseStatus: integer().notNull(),
    responseBody: jsonb().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "idempotency_keys_pkey", columns: [t.orgId, t.key] })],
);

/** What the sandbox email and console SMS providers delivered, for the Outbox page. */
export const outbox = pgTable(
  "outbox",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    messageId: uuid().references(() => messages.id, { onDelete: "set null" }),
    providerId: uuid().references(() => providers.id, { onDelete: "set null" }),
    channel: channelEnum().notNull(),
    to: text().notNull(),
    from: text(),
    subject: text(),
    html: text(),
    text: text(),
    body: text(),
    headers: jsonb().$type<Record<string, string>>(),
    /** The email as it would arrive (RFC 5322 source). */
    raw: text(),
    segments: integer(),
    encoding: text(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index("outbox_org_created_idx").on(t.orgId, t.createdAt, t.id)],
);

export type Message = typeof messages.$inferSelect;
export type MessageAttempt = typeof messageAttempts.$inferSelect;
export type MessageEvent = typeof messageEvents.$inferSelect;
export type OutboxItem = typeof outbox.$inferSelect;
