"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ErrorState, LoadingRows } from "@/components/ui/states";
import { type ConversationMessage, conversationQueries } from "@/lib/queries/conversations";
import { bubbleTime } from "./format";
import { ReplyBox } from "./reply-box";

const FAILED = new Set(["failed", "undelivered", "rejected", "bounced", "cancelled"]);

function Bubble({ m }: { m: ConversationMessage }) {
  const inbound = m.direction === "inbound";
  return (
    <li className={`flex ${inbound ? "justify-start" : "justify-end"}`}>
      <div
        className={`max-w-[75%] rounded-2xl px-3.5 py-2 text-sm shadow-sm ${
          inbound ? "rounded-bl-sm bg-slate-100 text-slate-900" : "rounded-br-sm bg-indigo-600 text-white"
        }`}
        data-testid={inbound ? "bubble-inbound" : "bubble-outbound"}
        data-message-id={m.id}
        data-status={m.status}
      >
        <p className="whitespace-pre-wrap break-words" data-testid="bubble-body">
          {m.body ?? <span className="italic opacity-70">(no text)</span>}
        </p>
        <p
          className={`mt-1 flex flex-wrap items-center gap-1 text-[11px] ${
            inbound ? "text-slate-500" : "justify-end text-indigo-100"
          }`}
        >
          <time dateTime={m.created_at} title={new Date(m.created_at).toLocaleString()}>
            {bubbleTime(m.created_at)}
          </time>
          {inbound ? null : (
            <>
              <span aria-hidden="true">·</span>
              <span
                data-testid="bubble-status"
                className={FAILED.has(m.status) ? "font-semibold text-rose-200" : undefined}
              >
                {m.status}
              </span>
            </>
          )}
        </p>
        {!inbound && m.error ? (
          <p className="mt-0.5 text-[11px] text-rose-200" title={m.error}>
            {m.error}
          </p>
        ) : null}
      </div>
    </li>
  );
}

export function ConversationThread({ number }: { number: string }) {
  const query = useInfiniteQuery(conversationQueries.thread(number));
  const pages = query.data?.pages ?? [];
  // pages[0] is the newest page; each page is oldest to newest.
  const items = [...pages].reverse().flatMap((p) => p.data);
  const optedOut = pages[0]?.opted_out ?? false;
  const shownNumber = pages[0]?.number ?? number;
  const newestId = items.at(-1)?.id;

  const scroller = useRef<HTMLDivElement>(null);
  // Follow the conversation: scroll to the bottom when a newer message arrives (not when older ones load).
  useEffect(() => {
    const el = scroller.current;
    if (el && newestId) el.scrollTop = el.scrollHeight;
  }, [newestId]);

  return (
    <section
      className="flex h-full min-h-0 flex-col"
      data-testid="conversation-thread"
      data-number={shownNumber}
      aria-label={`Conversation with ${shownNumber}`}
    >
      <header className="flex items-center justify-between gap-3 border-b border-slate-200 px-4 py-3">
        <div className="flex items-center gap-2">
          <h2 className="font-semibold text-slate-900 tabular-nums">{shownNumber}</h2>
          {optedOut ? (
            <span data-testid="thread-opted-out">
              <Badge tone="red">opted out</Badge>
            </span>
          ) : null}
        </div>
        {query.isFetching && !query.isPending ? (
          <span className="text-xs text-slate-400" aria-live="polite">
            Refreshing…
          </span>
        ) : null}
      </header>
      <div ref={scroller} className="min-h-0 flex-1 overflow-y-auto bg-white px-4 py-4">
        {query.isPending ? (
          <LoadingRows rows={4} />
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => query.refetch()} />
        ) : (
          <>
            {query.hasNextPage ? (
              <div className="mb-3 text-center">
                <Button
                  variant="ghost"
                  size="sm"
                  onClick={() => query.fetchNextPage()}
                  disabled={query.isFetchingNextPage}
                  data-testid="thread-load-older"
                >
                  {query.isFetchingNextPage ? "Loading…" : "Load older messages"}
                </Button>
              </div>
            ) : null}
            {items.length === 0 ? (
              <p className="py-10 text-center text-sm text-slate-500" data-testid="thread-empty">
                No messages with this number yet. Write the first one below.
              </p>
            ) : (
              <ol className="space-y-2">
                {items.map((m) => (
                  <Bubble key={m.id} m={m} />
                ))}
              </ol>
            )}
          </>
        )}
      </div>
      <ReplyBox key={number} number={shownNumber} optedOut={optedOut} />
    </section>
  );
}
