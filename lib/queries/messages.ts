import { infiniteQueryOptions, keepPreviousData, queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import type { messageDetailJson, messageJson } from "@/lib/validation/messages";
import type { templateJson } from "@/lib/validation/templates";
import { ApiError, api } from "./fetcher";
import type { ListOf } from "./settings";

export type MessageItem = z.infer<typeof messageJson>;
export type MessageDetail = z.infer<typeof messageDetailJson>;
export type TemplateItem = z.infer<typeof templateJson>;
export type Channel = "email" | "sms";

export interface OutboxItem {
  id: string;
  message_id: string | null;
  channel: Channel;
  to: string;
  from: string | null;
  subject: string | null;
  html: string | null;
  text: string | null;
  body: string | null;
  headers: Record<string, string> | null;
  raw: string | null;
  segments: number | null;
  encoding: string | null;
  created_at: string;
}

export interface MessageFilters {
  channel?: Channel;
  /** One status or several, comma-separated. */
  status?: string;
  campaign_id?: string;
  to?: string;
  /** ISO date-times; the log filters on created_at. */
  since?: string;
  until?: string;
}

/** Statuses a provider or the job runner will still move on their own, so the UI keeps polling. */
export const IN_FLIGHT_STATUSES: ReadonlySet<string> = new Set(["scheduled", "queued", "sending"]);
/** Statuses nothing moves any more (a `sent` message may still become delivered or bounce). */
export const FINAL_STATUSES: ReadonlySet<string> = new Set([
  "delivered",
  "failed",
  "undelivered",
  "bounced",
  "rejected",
  "cancelled",
]);
export const CANCELLABLE_STATUSES: ReadonlySet<string> = new Set(["scheduled", "queued"]);

function search(params: Record<string, string | undefined>, cursor: string | null): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) qs.set(k, v);
  if (cursor) qs.set("cursor", cursor);
  return qs.toString();
}

export const messageQueries = {
  all: ["messages"] as const,
  /** One page of the log from `cursor` (null: the newest); the page lives in the URL, so Back returns to it. */
  page: (filters: MessageFilters, cursor: string | null) =>
    queryOptions({
      queryKey: [...messageQueries.all, "page", filters, cursor],
      queryFn: () => api<ListOf<MessageItem>>(`/messages?${search({ ...filters, limit: "50" }, cursor)}`),
      placeholderData: keepPreviousData,
      refetchInterval: (q) =>
        q.state.data?.data.some((m) => IN_FLIGHT_STATUSES.has(m.status)) ? 3000 : false,
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: [...messageQueries.all, "detail", id],
      queryFn: () => api<MessageDetail>(`/messages/${encodeURIComponent(id)}`),
      // A missing message stays missing; retrying only delays the 404 page.
      retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 3,
      refetchInterval: (q) => {
        const status = q.state.data?.status;
        return status && !FINAL_STATUSES.has(status) && !q.state.error ? 2000 : false;
      },
    }),
};

export const outboxQueries = {
  all: ["outbox"] as const,
  list: (channel?: Channel) =>
    infiniteQueryOptions({
      queryKey: [...outboxQueries.all, "list", channel ?? "all"],
      initialPageParam: null as string | null,
      queryFn: ({ pageParam }) =>
        api<ListOf<OutboxItem>>(`/outbox?${search({ channel, limit: "25" }, pageParam)}`),
      getNextPageParam: (last) => last.next_cursor,
      refetchInterval: 2000,
    }),
};

/** Active templates of a channel for the compose dialog; its own key so it never collides with the templates pages' cache. */
export const composeTemplateQueries = {
  all: ["compose-templates"] as const,
  list: (channel: Channel) =>
    queryOptions({
      queryKey: [...composeTemplateQueries.all, channel],
      queryFn: () => api<ListOf<TemplateItem>>(`/templates?channel=${channel}&limit=200`),
      select: (res) => res.data.filter((t) => t.active),
      staleTime: 30_000,
    }),
};
