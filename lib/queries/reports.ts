import { queryOptions } from "@tanstack/react-query";
import type { RunJson, ScheduleJson } from "@/lib/validation/reports";
import { api } from "./fetcher";

export interface ListOf<T> {
  data: T[];
  next_cursor: string | null;
}

export const reportQueries = {
  all: ["reports"] as const,
  schedules: () =>
    queryOptions({
      queryKey: [...reportQueries.all, "schedules"],
      queryFn: () => api<ListOf<ScheduleJson>>("/reports/schedules?limit=200"),
    }),
  runs: (id: string) =>
    queryOptions({
      queryKey: [...reportQueries.all, "schedules", id, "runs"],
      queryFn: () => api<ListOf<RunJson>>(`/reports/schedules/${id}/runs?limit=20`),
    }),
};
