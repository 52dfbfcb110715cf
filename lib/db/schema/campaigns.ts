import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { organisations, users } from "./organisations";
import { channelEnum } from "./providers";
import { templates } from "./templates";

export const campaignStatusEnum = pgEnum("campaign_status", [
  "draft",
  "scheduled",
  "running",
  "paused",
  "completed",
  "cancelled",
]);

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
    createdByUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    launchedAt: timestamp({ withTimezone: true, precision: 3 }),
    completedAt: timestamp({ withTimezone: true, precision: 3 }),
    ...timestamps,
  },
  (t) => [index("campaigns_org_created_idx").on(t.orgId, t.createdAt, t.id)],
);

export type Campaign = typeof campaigns.$inferSelect;
