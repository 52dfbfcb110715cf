import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";

export const jobStatusEnum = pgEnum("job_status", ["pending", "running", "completed", "failed"]);

/**
 * The embedded runner's queue: one row per (function, event). Sleeps and retries
 * move run_at; step results are memoised in `steps` so a re-run skips finished steps.
 */
export const jobs = pgTable(
  "jobs",
  {
    id: id(),
    functionId: text().notNull(),
    eventName: text().notNull(),
    eventId: text().notNull(),
    event: jsonb().$type<{ name: string; data: Record<string, unknown>; id: string; ts: number }>().notNull(),
    status: jobStatusEnum().notNull().default("pending"),
    runAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    attempt: integer().notNull().default(0),
    maxAttempts: integer().notNull().default(4),
    lockedUntil: timestamp({ withTimezone: true, precision: 3 }),
    steps: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    lastError: text(),
    /** The function's concurrency key for this event (function id and key value); null: no limit. */
    concurrencyKey: text(),
    /** Runs of one concurrency key that may run at once, across all instances. */
    concurrencyLimit: integer(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("jobs_function_event_key").on(t.functionId, t.eventId),
    index("jobs_status_run_at_idx").on(t.status, t.runAt),
    index("jobs_concurrency_key_idx").on(t.concurrencyKey, t.status),
  ],
);

/** Throttle state per function and key: the earliest time the next run may start. */
export const jobThrottles = pgTable("job_throttles", {
  key: text().primaryKey(),
  nextAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  ...timestamps,
});

export type Job = typeof jobs.$inferSelect;
