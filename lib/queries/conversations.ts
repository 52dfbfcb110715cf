import { infiniteQueryOptions, keepPreviousData } from "@tanstack/react-query";
import type { ConversationJson, ConversationThreadJson } from "@/lib/validation/conversations";
import { api } from "./fetcher";
import type { ListOf } from "./settings";

export type ConversationItem = ConversationJson;
export type ConversationThread = ConversationThreadJson;
export type ConversationMessage = ConversationThreadJson["data"][number];

function search(params: Record<string, string | undefined>, cursor: string | null): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) qs.set(k, v);
  if (cursor) qs.set("cursor", cursor);
  return qs.toString();
}

export const conversationQueries = {
  all: ["conversations"] as const,
  /** Threads, newest activity first; polled so new replies surface without a reload. */
  list: (q: string) =>
    infiniteQueryOptions({
      queryKey: [...conversationQueries.all, "list", q],
      initialPageParam: null as string | null,
      queryFn: ({ pageParam }) =>
        api<ListOf<ConversationItem>>(
          `/conversations?${search({ q: q || undefined, limit: "50" }, pageParam)}`,
        ),
      getNextPageParam: (last) => last.next_cursor,
      // While a search is typed, keep showing the previous results instead of a spinner.
      placeholderData: keepPreviousData,
      refetchInterval: 5000,
    }),
  /** One thread: pages[0] is the newest page; later pages are older messages. */
  thread: (number: string) =>
    infiniteQueryOptions({
      queryKey: [...conversationQueries.all, "thread", number],
      initialPageParam: null as string | null,
      queryFn: ({ pageParam }) =>
        api<ConversationThread>(`/conversations/messages?${search({ number, limit: "50" }, pageParam)}`),
      getNextPageParam: (last) => last.next_cursor,
      refetchInterval: 3000,
    }),
};
