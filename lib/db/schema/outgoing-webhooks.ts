import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { organisations } from "./organisations";

/** An organisation's own URL that receives signed event webhooks (SPEC §5, "Outgoing event webhooks"). */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    url: text().notNull(),
    description: text(),
    /** Empty: every event type. */
    eventTypes: jsonb().$type<string[]>().notNull().default([]),
    enabled: boolean().notNull().default(true),
    disabledReason: text(),
    /** encryptJson({current, previous?, previous_until?}): the signing secrets, never stored in the clear. */
    secretsEncrypted: text().notNull(),
    /** First failure since the last success; five days of it disable the endpoint. */
    failingSince: timestamp({ withTimezone: true, precision: 3 }),
    ...timestamps,
  },
  (t) => [index("webhook_endpoints_org_idx").on(t.orgId, t.createdAt)],
);

/**
 * Events to tell the organisation's systems about, written in the transaction
 * of the change they describe; a dispatcher fans them out to endpoints.
 * `sequence` is database-wide increasing, so increasing per message too.
 */
export const eventOutbox = pgTable(
  "event_outbox",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    type: text().notNull(),
    sequence: bigint({ mode: "number" }).generatedAlwaysAsIdentity().notNull(),
    /** For message events: the message whose §4 shape becomes `data` at fan-out. */
    messageId: uuid(),
    /** The event's own data (non-message events), or the payload `data` once fanned out. */
    data: jsonb().$type<Record<string, unknown>>(),
    /** Set when the event was fanned out to the matching endpoints. */
    dispatchedAt: timestamp({ withTimezone: true, precision: 3 }),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index("event_outbox_pending_idx").on(t.createdAt).where(sql`${t.dispatchedAt} is null`),
    index("event_outbox_org_idx").on(t.orgId, t.createdAt),
  ],
);

export const webhookDeliveryStatusEnum = pgEnum("webhook_delivery_status", [
  "pending",
  "succeeded",
  "failed",
]);

/** One event to one endpoint, with its attempts so far; `event_id` is the stable `webhook-id`. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    endpointId: uuid()
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: uuid()
      .notNull()
      .references(() => eventOutbox.id, { onDelete: "cascade" }),
    type: text().notNull(),
    status: webhookDeliveryStatusEnum().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    lastStatusCode: integer(),
    lastError: text(),
    /** The first bytes of the receiver's last answer, for the delivery log. */
    lastResponse: text(),
    lastAttemptAt: timestamp({ withTimezone: true, precision: 3 }),
    nextAttemptAt: timestamp({ withTimezone: true, precision: 3 }),
    ...timestamps,
  },
  (t) => [
    // One delivery per event and endpoint: a repeated fan-out creates no second copy.
    uniqueIndex("webhook_deliveries_endpoint_event_key").on(t.endpointId, t.eventId),
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt, t.id),
  ],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type OutboxEvent = typeof eventOutbox.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
