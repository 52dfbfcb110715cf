import {
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { organisations, users } from "./organisations";

const bytea = customType<{ data: Buffer }>({ dataType: () => "bytea" });

export const contacts = pgTable(
  "contacts",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    /** Lowercased; unique per organisation when present. */
    email: text(),
    /** E.164; unique per organisation when present. */
    phone: text(),
    name: text(),
    timezone: text(),
    locale: text(),
    attributes: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** Set by a GDPR erase: personal data removed, the row kept for anonymous counts. */
    erasedAt: timestamp({ withTimezone: true, precision: 3 }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("contacts_org_email_key").on(t.orgId, t.email),
    uniqueIndex("contacts_org_phone_key").on(t.orgId, t.phone),
    index("contacts_org_created_idx").on(t.orgId, t.createdAt, t.id),
  ],
);

export const lists = pgTable(
  "lists",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    description: text(),
    ...timestamps,
  },
  (t) => [uniqueIndex("lists_org_name_key").on(t.orgId, t.name), index("lists_org_id_idx").on(t.orgId)],
);

export const listMembers = pgTable(
  "list_members",
  {
    listId: uuid()
      .notNull()
      .references(() => lists.id, { onDelete: "cascade" }),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "list_members_pkey", columns: [t.listId, t.contactId] }),
    index("list_members_contact_idx").on(t.contactId),
  ],
);

export const importStatusEnum = pgEnum("import_status", ["pending", "running", "completed", "failed"]);

export interface ImportRowError {
  row: number;
  field: string;
  reason: string;
}

/** A CSV import: the uploaded file is kept until processed so any instance can process it after a restart. */
export const contactImports = pgTable(
  "contact_imports",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    listId: uuid().references(() => lists.id, { onDelete: "set null" }),
    status: importStatusEnum().notNull().default("pending"),
    filename: text(),
    content: bytea(),
    totalBytes: integer().notNull().default(0),
    /** Bytes of the file parsed so far, for the progress bar. */
    processedBytes: integer().notNull().default(0),
    processed: integer().notNull().default(0),
    imported: integer().notNull().default(0),
    failed: integer().notNull().default(0),
    /** Column name → target ("email", "attribute:plan", "ignore", …) chosen at upload; null: the default meanings. */
    mapping: jsonb().$type<Record<string, string>>(),
    /** The first errors, row by row, for the status answer; all of them (capped) are in contact_import_errors. */
    errors: jsonb().$type<ImportRowError[]>().notNull().default([]),
    /** Every error found, also those beyond the stored cap. */
    errorCount: integer().notNull().default(0),
    createdByUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    startedAt: timestamp({ withTimezone: true, precision: 3 }),
    finishedAt: timestamp({ withTimezone: true, precision: 3 }),
    ...timestamps,
  },
  (t) => [index("contact_imports_org_created_idx").on(t.orgId, t.createdAt, t.id)],
);

/** Every error of an import (up to a cap), one row each, in the order found: the downloadable report. */
export const contactImportErrors = pgTable(
  "contact_import_errors",
  {
    importId: uuid()
      .notNull()
      .references(() => contactImports.id, { onDelete: "cascade" }),
    /** 0, 1, 2… in the order the errors were found. */
    seq: integer().notNull(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    row: integer().notNull(),
    field: text().notNull(),
    reason: text().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "contact_import_errors_pkey", columns: [t.importId, t.seq] }),
    index("contact_import_errors_org_idx").on(t.orgId),
  ],
);

export type Contact = typeof contacts.$inferSelect;
export type List = typeof lists.$inferSelect;
export type ContactImport = typeof contactImports.$inferSelect;
