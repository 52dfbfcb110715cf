import { relations } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { organisations, roleEnum, users } from "./organisations";

export const apiKeys = pgTable(
  "api_keys",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** The first characters of the key, shown so people can tell keys apart. */
    prefix: text().notNull(),
    /** SHA-256 of the whole key; the key itself is never stored. */
    keyHash: text().notNull(),
    role: roleEnum().notNull(),
    createdByUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    lastUsedAt: timestamp({ withTimezone: true, precision: 3 }),
    revokedAt: timestamp({ withTimezone: true, precision: 3 }),
    ...timestamps,
  },
  (t) => [uniqueIndex("api_keys_key_hash_key").on(t.keyHash), index("api_keys_org_id_idx").on(t.orgId)],
);

export const apiKeysRelations = relations(apiKeys, ({ one }) => ({
  organisation: one(organisations, { fields: [apiKeys.orgId], references: [organisations.id] }),
}));

export type ApiKey = typeof apiKeys.$inferSelect;
