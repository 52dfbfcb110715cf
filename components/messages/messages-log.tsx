"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { type MessageItem, messageQueries } from "@/lib/queries/messages";
import { useUrlFilters } from "@/lib/queries/url-state";
import { ComposeDialog } from "./compose-dialog";
import { ChannelBadge, formatCost, StatusBadge } from "./format";
import { MESSAGE_FILTER_KEYS, MessageFiltersForm, toMessageFilters } from "./message-filters";

function Content({ m }: { m: MessageItem }) {
  if (m.subject) return <span className="block max-w-xs truncate">{m.subject}</span>;
  if (m.channel === "sms" && m.body) {
    return (
      <span className="block max-w-xs truncate" title={m.body}>
        {m.body}
        {m.segments !== null && m.segments > 1 ? (
          <span className="ml-1 text-xs text-slate-400">({m.segments} segments)</span>
        ) : null}
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
  const { values, apply, key } = useUrlFilters(MESSAGE_FILTER_KEYS);
  const filters = toMessageFilters(values);
  const [composing, setComposing] = useState(false);
  const cursor = values.cursor ?? null;
  const query = useQuery(messageQueries.page(filters, cursor));
  const rows = query.data?.data ?? [];
  const filtered = Object.values(filters).some(Boolean) || Boolean(cursor);

  return (
    <section>
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <MessageFiltersForm key={key} values={values} onApply={apply} />
        <Button onClick={() => setComposing(true)} data-testid="compose-message">
          New message
        </Button>
      </div>
      {values.campaign_id ? (
        <p
          className="mb-3 flex flex-wrap items-center gap-2 text-sm text-slate-600"
          data-testid="filter-campaign"
        >
          Messages of one campaign
          <Link href={`/campaigns/${values.campaign_id}`} className="text-indigo-700 hover:underline">
            open the campaign
          </Link>
          <button
            type="button"
            className="rounded px-1.5 text-slate-500 ring-1 ring-slate-300 hover:bg-slate-100"
            onClick={() => apply({ ...values, campaign_id: undefined })}
            aria-label="Show messages of every campaign"
            data-testid="filter-campaign-clear"
          >
            ✕
          </button>
        </p>
      ) : null}
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
          <div className="mt-4 flex items-center justify-between gap-3 text-sm">
            {cursor ? (
              <Button
                variant="secondary"
                onClick={() => apply({ ...values, cursor: undefined })}
                data-testid="page-newest"
              >
                ← Newest
              </Button>
            ) : (
              <span />
            )}
            {query.data?.next_cursor ? (
              <Button
                variant="secondary"
                onClick={() => apply({ ...values, cursor: query.data?.next_cursor ?? undefined })}
                disabled={query.isPlaceholderData}
                data-testid="page-older"
              >
                Older →
              </Button>
            ) : null}
          </div>
        </>
      )}
      <ComposeDialog open={composing} onClose={() => setComposing(false)} />
    </section>
  );
}
