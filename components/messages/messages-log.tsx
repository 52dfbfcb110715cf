"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { type MessageFilters, type MessageItem, messageQueries } from "@/lib/queries/messages";
import { ComposeDialog } from "./compose-dialog";
import { ChannelBadge, formatCost, StatusBadge } from "./format";
import { MessageFiltersForm } from "./message-filters";

function Content({ m }: { m: MessageItem }) {
  if (m.subject) return <span className="block max-w-xs truncate">{m.subject}</span>;
  if (m.channel === "sms" && m.segments !== null) {
    // The log's list shape carries no SMS body; segments and encoding are what it has.
    return (
      <span className="text-slate-500">
        {m.encoding ?? "SMS"} · {m.segments} segment{m.segments === 1 ? "" : "s"}
      </span>
    );
  }
  return <span className="text-slate-400">—</span>;
}

function MessageRow({ m }: { m: MessageItem }) {
  return (
    <tr
      data-testid="message-row"
      data-status={m.status}
      data-message-id={m.id}
      className="relative align-top hover:bg-slate-50"
    >
      <Td>
        {/* The link's ::after covers the whole row, so any cell opens the detail. */}
        <Link
          href={`/messages/${m.id}`}
          className="text-slate-900 after:absolute after:inset-0 hover:text-indigo-600"
          data-testid="message-link"
        >
          {new Date(m.created_at).toLocaleString()}
        </Link>
      </Td>
      <Td>
        <ChannelBadge channel={m.channel} />
      </Td>
      <Td className="font-medium text-slate-900">{m.to}</Td>
      <Td>
        <Content m={m} />
      </Td>
      <Td>
        <StatusBadge status={m.status} />
        {m.error ? (
          <span className="mt-1 block max-w-48 truncate text-xs text-rose-600" title={m.error}>
            {m.error}
          </span>
        ) : null}
        {m.status === "scheduled" && m.scheduled_at ? (
          <span className="mt-1 block text-xs text-slate-500">
            for {new Date(m.scheduled_at).toLocaleString()}
          </span>
        ) : null}
      </Td>
      <Td className="text-xs">{m.provider_type ?? "—"}</Td>
      <Td className="text-right tabular-nums">
        {formatCost(m.cost ?? m.estimated_cost, m.currency)}
        {m.cost === null && m.estimated_cost !== null ? (
          <span className="block text-xs text-slate-400">estimated</span>
        ) : null}
      </Td>
    </tr>
  );
}

export function MessagesLog() {
  const [filters, setFilters] = useState<MessageFilters>({});
  const [composing, setComposing] = useState(false);
  const query = useInfiniteQuery(messageQueries.list(filters));
  const rows = query.data?.pages.flatMap((p) => p.data) ?? [];
  const filtered = Object.values(filters).some(Boolean);

  return (
    <section>
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <MessageFiltersForm onApply={setFilters} />
        <Button onClick={() => setComposing(true)} data-testid="compose-message">
          New message
        </Button>
      </div>
      {query.isPending ? (
        <LoadingRows rows={6} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : rows.length === 0 ? (
        filtered ? (
          <EmptyState title="No messages match these filters">
            Widen the date range or clear the filters.
          </EmptyState>
        ) : (
          <EmptyState
            title="No messages yet"
            action={<Button onClick={() => setComposing(true)}>Send your first message</Button>}
          >
            Messages sent from here, through the API or by campaigns appear here with their delivery status.
          </EmptyState>
        )
      ) : (
        <>
          <Table
            head={["Created", "Channel", "To", "Subject / content", "Status", "Provider", "Cost"]}
            testId="messages-table"
          >
            {rows.map((m) => (
              <MessageRow key={m.id} m={m} />
            ))}
          </Table>
          {query.hasNextPage ? (
            <div className="mt-4 text-center">
              <Button
                variant="secondary"
                onClick={() => query.fetchNextPage()}
                disabled={query.isFetchingNextPage}
                data-testid="load-more"
              >
                {query.isFetchingNextPage ? "Loading…" : "Load more"}
              </Button>
            </div>
          ) : null}
        </>
      )}
      <ComposeDialog open={composing} onClose={() => setComposing(false)} />
    </section>
  );
}
