import { queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import type {
  balanceJson,
  budgetJson,
  costSummaryJson,
  deliveryMetricsJson,
  providerCompareJson,
  realTimeJson,
  statsJson,
} from "@/lib/validation/costs";
import type { messageJson } from "@/lib/validation/messages";
import type { providerHealth } from "@/lib/validation/providers";
import { api } from "./fetcher";
import type { ListOf } from "./settings";

export type CostSummary = z.infer<typeof costSummaryJson>;
export type BudgetItem = z.infer<typeof budgetJson>;
export type DeliveryMetrics = z.infer<typeof deliveryMetricsJson>;
export type ProviderComparison = z.infer<typeof providerCompareJson>;
export type Balance = z.infer<typeof balanceJson>;
export type RealTime = z.infer<typeof realTimeJson>;
export type Stats = z.infer<typeof statsJson>;
export type GroupBy = "day" | "provider" | "channel" | "category" | "campaign" | "template";

/** Dashboards refresh themselves: the rollups behind them move within a minute. */
const REFRESH_MS = 30_000;

const qs = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(
    Object.entries(params).flatMap(([k, v]) => (v === undefined || v === "" ? [] : [[k, String(v)]])),
  ).toString();

export const costQueries = {
  all: ["costs"] as const,
  summary: (p: {
    start_date?: string;
    end_date?: string;
    group_by: GroupBy;
    channel?: string | undefined;
    category?: string | undefined;
  }) =>
    queryOptions({
      queryKey: [...costQueries.all, "summary", p],
      queryFn: () => api<CostSummary>(`/costs/summary?${qs(p)}`),
      refetchInterval: REFRESH_MS,
    }),
  budgets: () =>
    queryOptions({
      queryKey: [...costQueries.all, "budgets"],
      queryFn: () => api<ListOf<BudgetItem>>("/budgets"),
      refetchInterval: REFRESH_MS,
    }),
  delivery: (p: { start_date?: string; end_date?: string }) =>
    queryOptions({
      queryKey: [...costQueries.all, "delivery", p],
      queryFn: () => api<DeliveryMetrics>(`/delivery/metrics?${qs(p)}`),
      refetchInterval: REFRESH_MS,
    }),
  compare: (days: number) =>
    queryOptions({
      queryKey: [...costQueries.all, "compare", days],
      queryFn: () => api<ProviderComparison>(`/providers/compare?days=${days}`),
      refetchInterval: REFRESH_MS,
    }),
  health: () =>
    queryOptions({
      queryKey: [...costQueries.all, "health"],
      queryFn: () => api<z.infer<typeof providerHealth>>("/providers/health"),
      refetchInterval: 10_000,
    }),
  failures: () =>
    queryOptions({
      queryKey: [...costQueries.all, "failures"],
      queryFn: () =>
        api<ListOf<z.infer<typeof messageJson>>>(
          "/messages?status=failed,undelivered,bounced,rejected&limit=8",
        ),
      refetchInterval: REFRESH_MS,
    }),
  balance: (providerId: string) =>
    queryOptions({
      queryKey: [...costQueries.all, "balance", providerId],
      queryFn: () => api<Balance>(`/providers/${providerId}/balance`),
      // Asked for on demand: every call is a request to the provider.
      enabled: false,
      retry: false,
    }),
};

/** Types whose API has a balance (the others answer 422 not_supported). */
export const BALANCE_TYPES = new Set(["twilio", "vonage", "messagebird", "africastalking"]);
