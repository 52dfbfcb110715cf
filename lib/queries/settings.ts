import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import type { apiKeyJson } from "@/lib/validation/api-keys";
import type { auditLogJson } from "@/lib/validation/audit";
import type { memberJson } from "@/lib/validation/users";
import { api } from "./fetcher";

export type ApiKeyItem = z.infer<typeof apiKeyJson>;
export type MemberItem = z.infer<typeof memberJson>;
export type AuditItem = z.infer<typeof auditLogJson>;
export interface ListOf<T> {
  data: T[];
  next_cursor: string | null;
}

export const apiKeyQueries = {
  all: ["api-keys"] as const,
  list: () =>
    queryOptions({
      queryKey: [...apiKeyQueries.all, "list"],
      queryFn: () => api<ListOf<ApiKeyItem>>("/api-keys?limit=200"),
    }),
};

export const memberQueries = {
  all: ["members"] as const,
  list: () =>
    queryOptions({
      queryKey: [...memberQueries.all, "list"],
      queryFn: () => api<ListOf<MemberItem>>("/users"),
    }),
};

export interface AuditFilters {
  action?: string;
  resource_type?: string;
  actor_type?: string;
}

export const auditQueries = {
  all: ["audit"] as const,
  pages: (filters: AuditFilters) =>
    infiniteQueryOptions({
      queryKey: [...auditQueries.all, filters],
      initialPageParam: null as string | null,
      queryFn: ({ pageParam }) => {
        const qs = new URLSearchParams({ limit: "50" });
        for (const [k, v] of Object.entries(filters)) if (v) qs.set(k, v);
        if (pageParam) qs.set("cursor", pageParam);
        return api<ListOf<AuditItem>>(`/audit-logs?${qs}`);
      },
      getNextPageParam: (last) => last.next_cursor,
    }),
};
