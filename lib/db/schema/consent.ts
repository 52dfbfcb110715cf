import { index, jsonb, pgTable, text, timestamp, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { organisations } from "./organisations";
import { channelEnum, providers } from "./providers";

/**
 * Opt-outs per address and channel; category null means every category (a full
 * STOP). Unique with NULLS NOT DISTINCT so a full opt-out exists once.
 */
export const optOuts = pgTable(
  "opt_outs",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    /** Lowercased email or E.164 number. */
    address: text().notNull(),
    channel: channelEnum().notNull(),
    category: text(),
    reason: text(),
    /** api, console, inbound_keyword, unsubscribe_link, one_click, import, webhook. */
    source: text().notNull(),
    ...timestamps,
  },
  (t) => [
    unique("opt_outs_org_address_channel_category_key")
      .on(t.orgId, t.address, t.channel, t.category)
      .nullsNotDistinct(),
    index("opt_outs_org_created_idx").on(t.orgId, t.createdAt, t.id),
  ],
);

/** Email addresses that hard-bounced or complained; never sent to until removed. */
export const suppressions = pgTable(
  "suppressions",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    address: text().notNull(),
    /** hard_bounce, complaint, manual. */
    reason: text().notNull(),
    providerId: uuid().references(() => providers.id, { onDelete: "set null" }),
    /** The stored webhook event that caused it. */
    webhookEventId: uuid(),
    detail: text(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("suppressions_org_address_key").on(t.orgId, t.address),
    index("suppressions_org_created_idx").on(t.orgId, t.createdAt, t.id),
  ],
);

/** Every accepted provider event, stored raw once (unique per provider and the provider's event id). */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    providerId: uuid().references(() => providers.id, { onDelete: "set null" }),
    /** twilio, sendgrid, ses, mailgun, vonage, africastalking, messagebird, stripe. */
    source: text().notNull(),
    eventId: text().notNull(),
    type: text().notNull(),
    messageId: uuid(),
    payload: jsonb().notNull(),
    processedAt: timestamp({ withTimezone: true, precision: 3 }),
    error: text(),
    receivedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    unique("webhook_events_source_provider_event_key")
      .on(t.source, t.providerId, t.eventId)
      .nullsNotDistinct(),
    index("webhook_events_org_received_idx").on(t.orgId, t.receivedAt, t.id),
  ],
);

/**
 * Single-use values of webhook signatures (Mailgun's token): the signature
 * does not cover the event, so a token may carry one event only. The unique
 * key makes that hold under concurrent requests; claimed inside the same
 * transaction that stores the event. Rows older than the signature's
 * freshness window are no longer needed.
 */
export const webhookNonces = pgTable(
  "webhook_nonces",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    providerId: uuid()
      .notNull()
      .references(() => providers.id, { onDelete: "cascade" }),
    nonce: text().notNull(),
    /** The provider event the nonce was first used for: the same event again is a retry, another is a replay. */
    eventId: text().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    unique("webhook_nonces_provider_nonce_key").on(t.providerId, t.nonce),
    index("webhook_nonces_org_created_idx").on(t.orgId, t.createdAt),
  ],
);

export type OptOut = typeof optOuts.$inferSelect;
export type Suppression = typeof suppressions.$inferSelect;
export type WebhookEvent = typeof webhookEvents.$inferSelect;
