import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { organisations } from "./organisations";

/** A monthly spending budget, optionally for one channel and/or category (SPEC §8). */
export const budgets = pgTable(
  "budgets",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    amount: numeric({ precision: 18, scale: 6 }).notNull(),
    currency: text().notNull(),
    period: text().notNull().default("month"),
    channel: text(),
    category: text(),
    thresholds: jsonb().$type<number[]>().notNull().default([50, 80, 100]),
    alertEmails: jsonb().$type<string[]>().notNull().default([]),
    hardStop: boolean().notNull().default(false),
    ...timestamps,
  },
  (t) => [index("budgets_org_idx").on(t.orgId)],
);

/**
 * A budget's money in one period: `spent` (settled cost; re-synced from the
 * rollups each minute) and `reserved` (estimated cost of messages in flight).
 * Reservations are one conditional UPDATE of this row.
 */
export const budgetPeriods = pgTable(
  "budget_periods",
  {
    budgetId: uuid()
      .notNull()
      .references(() => budgets.id, { onDelete: "cascade" }),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    periodStart: date({ mode: "string" }).notNull(),
    spent: numeric({ precision: 18, scale: 6 }).notNull().default("0"),
    reserved: numeric({ precision: 18, scale: 6 }).notNull().default("0"),
    /** What the last reservation statement added (read back to learn which messages fitted). */
    lastAdded: numeric({ precision: 18, scale: 6 }).notNull().default("0"),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "budget_periods_pkey", columns: [t.budgetId, t.periodStart] }),
    index("budget_periods_org_idx").on(t.orgId),
  ],
);

/** One message's reservation against one budget period, until it is settled or released. */
export const budgetReservations = pgTable(
  "budget_reservations",
  {
    messageId: uuid().notNull(),
    budgetId: uuid()
      .notNull()
      .references(() => budgets.id, { onDelete: "cascade" }),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    periodStart: date({ mode: "string" }).notNull(),
    amount: numeric({ precision: 18, scale: 6 }).notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "budget_reservations_pkey", columns: [t.messageId, t.budgetId] }),
    index("budget_reservations_budget_idx").on(t.budgetId, t.periodStart),
  ],
);

/** Each threshold alerted once per period: the unique key makes it exactly once. */
export const budgetAlerts = pgTable(
  "budget_alerts",
  {
    id: id(),
    budgetId: uuid()
      .notNull()
      .references(() => budgets.id, { onDelete: "cascade" }),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    periodStart: date({ mode: "string" }).notNull(),
    threshold: integer().notNull(),
    spent: numeric({ precision: 18, scale: 6 }).notNull(),
    projection: text(),
    at: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("budget_alerts_once_key").on(t.budgetId, t.periodStart, t.threshold),
    index("budget_alerts_org_idx").on(t.orgId),
  ],
);

export type Budget = typeof budgets.$inferSelect;
export type BudgetAlert = typeof budgetAlerts.$inferSelect;
