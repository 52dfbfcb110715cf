import { index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id } from "./_columns";
import { organisations } from "./organisations";

export const actorTypeEnum = pgEnum("actor_type", ["user", "api_key", "system"]);

export const auditLog = pgTable(
  "audit_log",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    actorType: actorTypeEnum().notNull(),
    actorId: text(),
    actorLabel: text().notNull(),
    action: text().notNull(),
    resourceType: text().notNull(),
    resourceId: text(),
    ip: text(),
    /** Changed fields as {field: {from, to}} or {field: value}; secrets redacted. */
    changes: jsonb().$type<Record<string, unknown>>(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index("audit_log_org_created_idx").on(t.orgId, t.createdAt, t.id),
    index("audit_log_org_resource_idx").on(t.orgId, t.resourceType, t.resourceId),
  ],
);

export type AuditEntry = typeof auditLog.$inferSelect;
