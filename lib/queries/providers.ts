import { queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import type { providerJson, providerTestResult } from "@/lib/validation/providers";
import { api } from "./fetcher";
import type { ListOf } from "./settings";

export type ProviderItem = z.infer<typeof providerJson>;
export type ProviderTestResult = z.infer<typeof providerTestResult>;

export const providerQueries = {
  all: ["providers"] as const,
  list: () =>
    queryOptions({
      queryKey: [...providerQueries.all, "list"],
      queryFn: () => api<ListOf<ProviderItem>>("/providers"),
      // Circuit state and today's counts change as messages go out.
      refetchInterval: 5000,
    }),
};
