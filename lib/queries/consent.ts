import { infiniteQueryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import type { optOutJson, suppressionJson } from "@/lib/validation/consent";
import { api } from "./fetcher";
import type { ListOf } from "./settings";

export type OptOutItem = z.infer<typeof optOutJson>;
export type SuppressionItem = z.infer<typeof suppressionJson>;

export const consentQueries = {
  all: ["consent"] as const,
  optOuts: (filters: { q?: string; channel?: string }) =>
    infiniteQueryOptions({
      queryKey: [...consentQueries.all, "opt-outs", filters],
      initialPageParam: null as string | null,
      queryFn: ({ pageParam }) => {
        const qs = new URLSearchParams({ limit: "50" });
        if (filters.q) qs.set("q", filters.q);
        if (filters.channel) qs.set("channel", filters.channel);
        if (pageParam) qs.set("cursor", pageParam);
        return api<ListOf<OptOutItem>>(`/opt-outs?${qs}`);
      },
      getNextPageParam: (last) => last.next_cursor,
    }),
  suppressions: (q?: string) =>
    infiniteQueryOptions({
      queryKey: [...consentQueries.all, "suppressions", q ?? ""],
      initialPageParam: null as string | null,
      queryFn: ({ pageParam }) => {
        const qs = new URLSearchParams({ limit: "50" });
        if (q) qs.set("q", q);
        if (pageParam) qs.set("cursor", pageParam);
        return api<ListOf<SuppressionItem>>(`/suppressions?${qs}`);
      },
      getNextPageParam: (last) => last.next_cursor,
    }),
};
