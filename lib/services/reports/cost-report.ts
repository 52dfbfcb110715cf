import { AppError } from "@/lib/errors";
import type { Range } from "./sources";

const DAY = 24 * 60 * 60 * 1000;

/** start_date..end_date (inclusive UTC days; default this month to date) as a half-open range. */
export function billingPeriodRange(
  q: { start_date?: string | undefined; end_date?: string | undefined },
  now: Date = new Date(),
): Range {
  const firstOfMonth = `${now.toISOString().slice(0, 7)}-01`;
  const since = new Date(`${q.start_date ?? firstOfMonth}T00:00:00Z`);
  const until = new Date(
    new Date(`${q.end_date ?? now.toISOString().slice(0, 10)}T00:00:00Z`).getTime() + DAY,
  );
  if (since.getTime() >= until.getTime()) {
    throw AppError.validation([{ field: "end_date", message: "must not be before start_date" }]);
  }
  if (until.getTime() - since.getTime() > 731 * DAY) {
    throw AppError.validation([{ field: "start_date", message: "must be at most 731 days before end_date" }]);
  }
  return { since, until };
}
