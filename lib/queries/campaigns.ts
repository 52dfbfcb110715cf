import { keepPreviousData, queryOptions, skipToken } from "@tanstack/react-query";
import type { z } from "zod";
import type {
  audiencePreview,
  campaignDryRun,
  campaignDryRunJson,
  campaignJson,
  statsJson,
} from "@/lib/validation/campaigns";
import { ApiError, api } from "./fetcher";
import type { MessageItem } from "./messages";
import type { ListOf } from "./settings";

export type CampaignItem = z.infer<typeof campaignJson>;
export type CampaignStats = z.infer<typeof statsJson>;
export type CampaignStatus = CampaignItem["status"];
export type CampaignOutcome = CampaignItem["outcome"];
export type CampaignChannel = CampaignItem["channel"];
export type AudiencePreviewBody = z.input<typeof audiencePreview>;
export type DryRunBody = z.input<typeof campaignDryRun>;
export type DryRunResult = z.infer<typeof campaignDryRunJson>;
export interface AudiencePreviewResult {
  count: number;
  segments_per_message: number | null;
  estimated_cost: number;
  currency: string | null;
  quiet_hours_deferred: number;
}
/** GET /lists item (SPEC §6 list shape). */
export interface AudienceList {
  id: string;
  name: string;
  description: string | null;
  member_count: number;
}

export interface CampaignFilters {
  /** One status or several, comma-separated. */
  status?: string;
  channel?: CampaignChannel;
}

/** Statuses in which the counters still move on their own, so the pages keep polling. */
export const LIVE_STATUSES: ReadonlySet<CampaignStatus> = new Set(["running", "scheduled"]);

// A 4xx (unknown or malformed id) will not turn into a 2xx by asking again; retrying only delays the 404 state.
const retryServerErrors = (failures: number, error: Error) =>
  !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2;

function search(params: Record<string, string | undefined>, cursor: string | null): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) qs.set(k, v);
  if (cursor) qs.set("cursor", cursor);
  return qs.toString();
}

export const campaignQueries = {
  all: ["campaigns"] as const,
  /** One page of campaigns from `cursor` (null: the newest); the page lives in the URL, so Back returns to it. */
  page: (filters: CampaignFilters, cursor: string | null) =>
    queryOptions({
      queryKey: [...campaignQueries.all, "page", filters, cursor],
      queryFn: () => api<ListOf<CampaignItem>>(`/campaigns?${search({ ...filters, limit: "50" }, cursor)}`),
      placeholderData: keepPreviousData,
      refetchInterval: (q) => (q.state.data?.data.some((c) => LIVE_STATUSES.has(c.status)) ? 2000 : false),
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: [...campaignQueries.all, "detail", id],
      queryFn: () => api<CampaignItem>(`/campaigns/${encodeURIComponent(id)}`),
      retry: retryServerErrors,
      refetchInterval: (q) => {
        const status = q.state.data?.status;
        return status && LIVE_STATUSES.has(status) && !q.state.error ? 1000 : false;
      },
    }),
  /** The first messages of a campaign, newest first; polled while the campaign is live. */
  messages: (id: string, live: boolean, status?: CampaignStatus) =>
    queryOptions({
      queryKey: [...campaignQueries.all, "messages", id, status],
      queryFn: () => api<ListOf<MessageItem>>(`/messages?campaign_id=${encodeURIComponent(id)}&limit=10`),
      refetchInterval: live ? 2000 : false,
    }),
  /** What launching would do, recipient by recipient (POST /campaigns/dry-run); asked for when the launch dialog opens. */
  dryRun: (body: DryRunBody | null) =>
    queryOptions({
      queryKey: [...campaignQueries.all, "dry-run", body],
      queryFn: body ? () => api<DryRunResult>("/campaigns/dry-run", { method: "POST", body }) : skipToken,
      staleTime: 0,
      gcTime: 0,
      retry: retryServerErrors,
    }),
  /** Audience size and estimated cost for a wizard selection; the previous answer stays on screen while the next loads. */
  preview: (body: AudiencePreviewBody | null) =>
    queryOptions({
      queryKey: [...campaignQueries.all, "preview", body],
      // Nothing selected is not an audience (it would count every contact), so it is not asked for.
      queryFn: body
        ? () => api<AudiencePreviewResult>("/campaigns/preview", { method: "POST", body })
        : skipToken,
      placeholderData: keepPreviousData,
      staleTime: 5000,
      retry: retryServerErrors,
    }),
};

/** Lists offered as a campaign audience; a key of its own so it never collides with the lists pages' cache shape. */
export const audienceListQueries = {
  all: ["campaign-audience-lists"] as const,
  list: () =>
    queryOptions({
      queryKey: [...audienceListQueries.all],
      queryFn: () => api<ListOf<AudienceList>>("/lists?limit=200"),
      staleTime: 30_000,
    }),
};
