import { index, integer, numeric, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organisations } from "./organisations";

/**
 * Upper bounds (seconds) of the time-to-delivered histogram buckets; the last
 * bucket (d11) is open-ended. p50/p95 are read from the bucket counts.
 */
export const DELIVERY_BUCKETS_S = [1, 2, 5, 10, 20, 30, 60, 120, 300, 900, 3600] as const;

const money = () => numeric({ precision: 18, scale: 6 }).notNull().default("0");
const count = () => integer().notNull().default(0);
/** The "none" key of nullable dimensions, so they can sit in the primary key. */
export const NO_ID = "00000000-0000-0000-0000-000000000000";

/**
 * Hourly facts per organisation × channel × provider × category × campaign ×
 * template × currency, recomputed from messages by lib/services/rollups (hour
 * of the message's creation). Dashboards, /costs, /stats and
 * /delivery/metrics read these, never a scan of messages.
 */
export const messageRollups = pgTable(
  "message_rollups",
  {
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    hour: timestamp({ withTimezone: true }).notNull(),
    channel: text().notNull(),
    /** NO_ID when no provider was chosen (rejected, cancelled before sending). */
    providerId: uuid().notNull(),
    providerType: text(),
    category: text().notNull(),
    campaignId: uuid().notNull(),
    templateId: uuid().notNull(),
    currency: text().notNull().default(""),
    messages: count(),
    pending: count(),
    sent: count(),
    delivered: count(),
    failed: count(),
    undelivered: count(),
    bounced: count(),
    rejected: count(),
    cancelled: count(),
    /** Messages that needed more than one attempt (failover or retry). */
    failedOver: count(),
    segments: count(),
    /** Sum of estimated_cost at accept time. */
    estimatedAtAccept: money(),
    /** Cost still at cost_source = estimate (cost, or estimated_cost before sending). */
    estimatedCost: money(),
    /** Cost the provider priced (cost_source = provider). */
    providerCost: money(),
    /** Charged attempts before a failover (message_attempts.cost of failed attempts). */
    attemptCost: money(),
    deliveredCount: count(),
    deliverySecondsSum: numeric({ precision: 18, scale: 3 }).notNull().default("0"),
    d0: count(),
    d1: count(),
    d2: count(),
    d3: count(),
    d4: count(),
    d5: count(),
    d6: count(),
    d7: count(),
    d8: count(),
    d9: count(),
    d10: count(),
    d11: count(),
    refreshedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({
      name: "message_rollups_pkey",
      columns: [t.orgId, t.hour, t.channel, t.providerId, t.category, t.campaignId, t.templateId, t.currency],
    }),
    index("message_rollups_org_hour_idx").on(t.orgId, t.hour),
  ],
);

/** How far the incremental refresh has read messages.updated_at. */
export const rollupWatermarks = pgTable("rollup_watermarks", {
  name: text().primaryKey(),
  watermark: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

export type MessageRollup = typeof messageRollups.$inferSelect;

/** The rollups' status-count columns (scheduled, queued and sending are counted together as `pending`). */
export const ROLLUP_STATUS_COLUMNS = [
  "pending",
  "sent",
  "delivered",
  "failed",
  "undelivered",
  "bounced",
  "rejected",
  "cancelled",
] as const;
