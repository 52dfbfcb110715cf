"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { type Channel, outboxQueries } from "@/lib/queries/messages";
import { useUrlFilters, useUrlPages } from "@/lib/queries/url-state";
import { OutboxEmail } from "./outbox-email";
import { OutboxSms } from "./outbox-sms";

const TABS: { value: Channel | undefined; label: string; testId: string }[] = [
  { value: undefined, label: "All", testId: "outbox-tab-all" },
  { value: "email", label: "Email", testId: "outbox-tab-email" },
  { value: "sms", label: "SMS", testId: "outbox-tab-sms" },
];

const OUTBOX_FILTER_KEYS = ["channel", "pages"] as const;

export function OutboxPanel() {
  const { values, apply } = useUrlFilters(OUTBOX_FILTER_KEYS);
  const channel: Channel | undefined =
    values.channel === "email" || values.channel === "sms" ? values.channel : undefined;
  const setChannel = (c: Channel | undefined) => apply({ channel: c });
  const query = useInfiniteQuery(outboxQueries.list(channel));
  const {
    rows: items,
    hasMore,
    loadingMore,
    loadMore,
  } = useUrlPages(query, values.pages, (n) => apply({ ...values, pages: String(n) }));

  return (
    <section>
      <div className="mb-4 border-b border-slate-200">
        <div className="-mb-px flex gap-6" role="tablist" aria-label="Channel">
          {TABS.map((t) => (
            <button
              key={t.label}
              type="button"
              role="tab"
              aria-selected={channel === t.value}
              onClick={() => setChannel(t.value)}
              data-testid={t.testId}
              className={`border-b-2 px-1 pb-2 text-sm font-medium ${
                channel === t.value
                  ? "border-indigo-600 text-indigo-600"
                  : "border-transparent text-slate-500 hover:text-slate-700"
              }`}
            >
              {t.label}
            </button>
          ))}
        </div>
      </div>
      {query.isPending ? (
        <LoadingRows rows={4} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="Nothing delivered yet.">
          {/* The leading space keeps the sentence whole when the title and this text are read together. */}{" "}
          Messages sent through the built-in Sandbox email and Console SMS providers appear here — send one
          from{" "}
          <Link href="/messages" className="text-indigo-600 hover:underline">
            Messages → New message
          </Link>{" "}
          or <code className="rounded bg-slate-100 px-1">POST /api/v1/email/send</code>.
        </EmptyState>
      ) : (
        <>
          <ul className="space-y-4" data-testid="outbox-list">
            {items.map((item) => (
              <li
                key={item.id}
                data-testid="outbox-item"
                data-message-id={item.message_id ?? ""}
                data-channel={item.channel}
              >
                {item.channel === "email" ? <OutboxEmail item={item} /> : <OutboxSms item={item} />}
              </li>
            ))}
          </ul>
          {hasMore ? (
            <div className="mt-4 text-center">
              <Button variant="secondary" onClick={loadMore} disabled={loadingMore} data-testid="load-more">
                {loadingMore ? "Loading…" : "Load more"}
              </Button>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
