import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { organisations, users } from "./organisations";
import { channelEnum } from "./providers";

export const templates = pgTable(
  "templates",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    channel: channelEnum().notNull(),
    name: text().notNull(),
    category: text().notNull().default("transactional"),
    subject: text(),
    html: text(),
    text: text(),
    body: text(),
    active: boolean().notNull().default(true),
    /** The latest version number; each save adds a row to template_versions. */
    version: integer().notNull().default(1),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("templates_org_channel_name_key").on(t.orgId, t.channel, t.name),
    index("templates_org_id_idx").on(t.orgId),
  ],
);

export const templateVersions = pgTable(
  "template_versions",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    templateId: uuid()
      .notNull()
      .references(() => templates.id, { onDelete: "cascade" }),
    version: integer().notNull(),
    category: text().notNull(),
    subject: text(),
    html: text(),
    text: text(),
    body: text(),
    createdByUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("template_versions_template_version_key").on(t.templateId, t.version)],
);

export type Template = typeof templates.$inferSelect;
export type TemplateVersion = typeof templateVersions.$inferSelect;
