"use client";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { ConversationItem } from "@/lib/queries/conversations";
import { shortTime } from "./format";

function ConversationRow({
  c,
  selected,
  onSelect,
}: {
  c: ConversationItem;
  selected: boolean;
  onSelect: (number: string) => void;
}) {
  const replies = c.inbound_count;
  return (
    <li>
      <button
        type="button"
        onClick={() => onSelect(c.number)}
        aria-current={selected ? "true" : undefined}
        data-testid="conversation-item"
        data-number={c.number}
        data-opted-out={c.opted_out ? "true" : "false"}
        className={`block w-full px-4 py-3 text-left transition-colors ${
          selected ? "bg-indigo-50" : "hover:bg-slate-50"
        }`}
      >
        <div className="flex items-baseline justify-between gap-2">
          <span className="truncate font-medium text-slate-900 tabular-nums">{c.number}</span>
          <time
            dateTime={c.last_message_at}
            title={new Date(c.last_message_at).toLocaleString()}
            className="shrink-0 text-xs text-slate-500"
          >
            {shortTime(c.last_message_at)}
          </time>
        </div>
        <p className="mt-0.5 truncate text-sm text-slate-600" data-testid="conversation-excerpt">
          {c.last_direction === "outbound" ? <span className="text-slate-400">You: </span> : null}
          {c.last_body ?? <span className="italic text-slate-400">(no text)</span>}
        </p>
        <div className="mt-1 flex items-center gap-2 text-xs text-slate-500">
          <span data-testid="conversation-counts">
            {c.message_count} message{c.message_count === 1 ? "" : "s"} · {replies} repl
            {replies === 1 ? "y" : "ies"}
          </span>
          {c.opted_out ? (
            <span data-testid="opted-out-badge">
              <Badge tone="red">opted out</Badge>
            </span>
          ) : null}
        </div>
      </button>
    </li>
  );
}

export function ConversationList({
  items,
  selected,
  onSelect,
  hasMore,
  loadingMore,
  onLoadMore,
}: {
  items: ConversationItem[];
  selected: string | null;
  onSelect: (number: string) => void;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}) {
  return (
    <>
      <ul className="divide-y divide-slate-100" data-testid="conversation-list">
        {items.map((c) => (
          <ConversationRow key={c.number} c={c} selected={c.number === selected} onSelect={onSelect} />
        ))}
      </ul>
      {hasMore ? (
        <div className="p-3 text-center">
          <Button
            variant="secondary"
            size="sm"
            onClick={onLoadMore}
            disabled={loadingMore}
            data-testid="conversations-load-more"
          >
            {loadingMore ? "Loading…" : "Load more"}
          </Button>
        </div>
      ) : null}
    </>
  );
}
