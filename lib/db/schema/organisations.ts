import { relations } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";

export const roleEnum = pgEnum("role", ["admin", "manager", "staff"]);
export type Role = (typeof roleEnum.enumValues)[number];
export const ROLES = roleEnum.enumValues;

export const organisations = pgTable(
  "organisations",
  {
    id: id(),
    name: text().notNull(),
    /** ISO 3166 region used to read national phone numbers. */
    defaultRegion: text().notNull().default("US"),
    /** Replies to inbound SMS keywords (SPEC §3); null means the built-in wording. */
    smsStopReply: text(),
    smsStartReply: text(),
    smsHelpReply: text(),
    /** Marketing SMS quiet hours, local "HH:MM" in each recipient's zone (SPEC §3). */
    quietHoursStart: text().notNull().default("21:00"),
    quietHoursEnd: text().notNull().default("08:00"),
    /** Message bodies older than this many days are purged daily (SPEC §8); null keeps them. */
    retentionDays: integer(),
    ...timestamps,
  },
  (t) => [uniqueIndex("organisations_name_key").on(t.name)],
);

export const users = pgTable(
  "users",
  {
    id: id(),
    email: text().notNull(),
    name: text(),
    passwordHash: text().notNull(),
    /** Bumped when the password changes: sessions signed in before then stop working. */
    sessionVersion: integer().notNull().default(0),
    ...timestamps,
  },
  (t) => [uniqueIndex("users_email_key").on(t.email)],
);

export const memberships = pgTable(
  "memberships",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: roleEnum().notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("memberships_org_user_key").on(t.orgId, t.userId),
    index("memberships_org_id_idx").on(t.orgId),
    index("memberships_user_id_idx").on(t.userId),
  ],
);

export const organisationsRelations = relations(organisations, ({ many }) => ({
  memberships: many(memberships),
}));
export const usersRelations = relations(users, ({ many }) => ({ memberships: many(memberships) }));
export const membershipsRelations = relations(memberships, ({ one }) => ({
  organisation: one(organisations, { fields: [memberships.orgId], references: [organisations.id] }),
  user: one(users, { fields: [memberships.userId], references: [users.id] }),
}));

export type Organisation = typeof organisations.$inferSelect;
export type User = typeof users.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
