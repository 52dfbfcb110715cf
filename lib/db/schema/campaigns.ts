import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { contacts } from "./contacts";
import { organisations, users } from "./organisations";
import { channelEnum } from "./providers";
import { templates } from "./templates";

export const CAMPAIGN_STATUSES = [
  "draft",
  "scheduled",
  "running",
  "paused",
  "completed",
  "cancelled",
] as const;
export const campaignStatusEnum = pgEnum("campaign_status", CAMPAIGN_STATUSES);

/** One arm of an A/B test: a name and the template its recipients get. */
export interface CampaignVariant {
  name: string;
  template_id: string;
}

/** How an A/B campaign picks its winner (SPEC §6). */
export interface AbTest {
  test_percent: number;
  metric: "opens" | "clicks" | "delivered" | "manual";
  wait_minutes: number | null;
}

/** A filter on contact attributes: every condition must hold. */
export interface AudienceFilter {
  all: { field: string; op: "eq" | "neq" | "exists" | "in"; value?: unknown }[];
}

export const campaigns = pgTable(
  "campaigns",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    channel: channelEnum().notNull(),
    templateId: uuid().references(() => templates.id, { onDelete: "set null" }),
    category: text().notNull().default("marketing"),
    audience: jsonb().$type<{ list_ids: string[]; filter: AudienceFilter | null }>().notNull(),
    sendAt: timestamp({ withTimezone: true, precision: 3 }),
    /** send_at's wall-clock time is applied in each recipient's own time zone. */
    localTime: boolean().notNull().default(false),
    throttlePerMinute: integer(),
    status: campaignStatusEnum().notNull().default("draft"),
    /** Recipients frozen at launch (including those rejected for consent). */
    targeted: integer().notNull().default(0),
    /** Messages found mid-send after a crash, resolved per the interrupted-send policy. */
    inFlightAtCrash: integer().notNull().default(0),
    /** Why a paused campaign was paused by the system (e.g. budget_exceeded); null when paused by hand. */
    pausedReason: text(),
    /** A/B test arms (2–4); null for a plain campaign. */
    variants: jsonb().$type<CampaignVariant[]>(),
    abTest: jsonb().$type<AbTest>(),
    /** The winning variant's name, once decided. */
    winner: text(),
    createdByUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    launchedAt: timestamp({ withTimezone: true, precision: 3 }),
    completedAt: timestamp({ withTimezone: true, precision: 3 }),
    ...timestamps,
  },
  (t) => [index("campaigns_org_created_idx").on(t.orgId, t.createdAt, t.id)],
);

export type Campaign = typeof campaigns.$inferSelect;

/**
 * Recipients of an A/B campaign frozen at launch but not yet given a message:
 * the test group until its messages are written, then the rest waiting for the
 * winner. `rank` is the recipient's place in the campaign's deterministic order.
 */
export const campaignHoldouts = pgTable(
  "campaign_holdouts",
  {
    campaignId: uuid()
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    rank: integer().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "campaign_holdouts_pkey", columns: [t.campaignId, t.contactId] }),
    index("campaign_holdouts_campaign_rank_idx").on(t.campaignId, t.rank),
    index("campaign_holdouts_org_idx").on(t.orgId),
  ],
);
