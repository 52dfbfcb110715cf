"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useCallback, useId } from "react";
import { ErrorState, LoadingRows } from "@/components/ui/states";
import { conversationQueries } from "@/lib/queries/conversations";
import { useUrlSearch } from "@/lib/queries/url-state";
import { ConversationList } from "./conversation-list";
import { ConversationThread } from "./conversation-thread";

export const EMPTY_CONVERSATIONS =
  "No conversations yet. Replies to your SMS appear here once an SMS provider's inbound webhook is set up (Settings → Messaging shows the URL).";

export function ConversationsView() {
  const searchId = useId();
  const params = useSearchParams();
  // A hand-typed "?number=+1202…" arrives with the "+" decoded as a space; put it back.
  const selected =
    params
      .get("number")
      ?.replace(/^ (?=\d)/, "+")
      .trim() || null;
  // The search is in the URL too (?q=), beside the selected thread.
  const {
    text: search,
    setText: setSearch,
    q,
  } = useUrlSearch(params.get("q") ?? undefined, (next) => {
    const url = new URL(window.location.href);
    if (next) url.searchParams.set("q", next);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", `${url.pathname}?${url.searchParams.toString()}`);
  });
  const query = useInfiniteQuery(conversationQueries.list(q));
  const items = query.data?.pages.flatMap((p) => p.data) ?? [];

  // The selection lives in the URL (?number=) so a thread can be linked; Next.js keeps
  // useSearchParams in step with history.pushState without a server round trip.
  const select = useCallback((number: string) => {
    const url = new URL(window.location.href);
    url.searchParams.set("number", number);
    window.history.pushState(null, "", `${url.pathname}?${url.searchParams.toString()}`);
  }, []);

  // Before any search, a failed or pending first load is the whole page; while searching the box stays.
  const initial = !q && !search;
  if (initial && query.isPending) return <LoadingRows rows={6} />;
  if (initial && query.isError && !query.data) {
    return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  }
  if (initial && items.length === 0 && !selected && query.isSuccess) {
    return (
      <div
        className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center"
        data-testid="empty-state"
      >
        <p className="mx-auto max-w-xl text-sm text-slate-600" data-testid="conversations-empty">
          {EMPTY_CONVERSATIONS}
        </p>
        <div className="mt-4 flex justify-center gap-2">
          <Link
            href="/settings/messaging"
            className="rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
          >
            Open Settings → Messaging
          </Link>
        </div>
      </div>
    );
  }

  return (
    <div
      className="grid h-[calc(100vh-11rem)] min-h-[28rem] grid-cols-1 overflow-hidden rounded-lg border border-slate-200 bg-white md:grid-cols-[20rem_1fr]"
      data-testid="conversations"
    >
      <aside className="flex min-h-0 flex-col border-b border-slate-200 md:border-r md:border-b-0">
        <div className="border-b border-slate-200 p-3">
          <label htmlFor={searchId} className="sr-only">
            Search by number
          </label>
          <input
            id={searchId}
            type="search"
            inputMode="tel"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Search by number"
            className="block w-full rounded-md border-0 px-3 py-1.5 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600"
            data-testid="conversation-search"
          />
        </div>
        <div className="min-h-0 flex-1 overflow-y-auto">
          {query.isPending ? (
            <div className="p-3">
              <LoadingRows rows={4} />
            </div>
          ) : query.isError && !query.data ? (
            <div className="p-3">
              <ErrorState error={query.error} onRetry={() => query.refetch()} />
            </div>
          ) : items.length === 0 ? (
            <p className="px-4 py-8 text-center text-sm text-slate-500" data-testid="conversations-no-match">
              {q ? `No conversations with a number matching “${q}”.` : "No conversations yet."}
            </p>
          ) : (
            <ConversationList
              items={items}
              selected={selected}
              onSelect={select}
              hasMore={query.hasNextPage}
              loadingMore={query.isFetchingNextPage}
              onLoadMore={() => query.fetchNextPage()}
            />
          )}
        </div>
      </aside>
      <div className="min-h-0">
        {selected ? (
          <ConversationThread key={selected} number={selected} />
        ) : (
          <div className="flex h-full items-center justify-center p-6 text-center text-sm text-slate-500">
            Pick a conversation on the left to read it and reply.
          </div>
        )}
      </div>
    </div>
  );
}
