"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import type { OutboxItem } from "@/lib/queries/messages";
import { OutboxMessageLink } from "./message-link";

function escapeHtml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** A text-only email still gets a frame, so every email item looks and tests the same. */
function documentOf(item: OutboxItem): string {
  if (item.html !== null) return item.html;
  return `<pre style="white-space:pre-wrap;font:14px/1.5 system-ui,sans-serif;margin:0">${escapeHtml(item.text ?? "")}</pre>`;
}

function Header({ label, value, testId }: { label: string; value: string | null; testId: string }) {
  return (
    <div className="flex gap-2 text-sm">
      <dt className="w-16 shrink-0 text-slate-500">{label}</dt>
      <dd className="min-w-0 break-all text-slate-900" data-testid={testId}>
        {value ?? "—"}
      </dd>
    </div>
  );
}

export function OutboxEmail({ item }: { item: OutboxItem }) {
  const [showRaw, setShowRaw] = useState(false);
  return (
    <article className="overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <div className="flex items-start justify-between gap-4 border-b border-slate-100 px-4 py-3">
        <dl className="min-w-0 space-y-0.5">
          <Header label="From" value={item.from} testId="outbox-email-from" />
          <Header label="To" value={item.to} testId="outbox-email-to" />
          <Header label="Subject" value={item.subject} testId="outbox-email-subject" />
        </dl>
        <div className="flex shrink-0 flex-col items-end gap-2">
          <time className="text-xs text-slate-500" dateTime={item.created_at}>
            {new Date(item.created_at).toLocaleString()}
          </time>
          <OutboxMessageLink messageId={item.message_id} />
          {item.raw !== null ? (
            <Button
              variant="secondary"
              size="sm"
              aria-pressed={showRaw}
              onClick={() => setShowRaw((v) => !v)}
              data-testid="outbox-toggle-raw"
            >
              {showRaw ? "Show rendered" : "Show source"}
            </Button>
          ) : null}
        </div>
      </div>
      {showRaw && item.raw !== null ? (
        <pre
          className="max-h-96 overflow-auto whitespace-pre-wrap break-all bg-slate-50 p-4 font-mono text-xs text-slate-700"
          data-testid="outbox-email-raw"
        >
          {item.raw}
        </pre>
      ) : (
        // sandbox="" keeps the delivered email's scripts, forms and navigation away from the console.
        <iframe
          title={`Email to ${item.to}: ${item.subject ?? "no subject"}`}
          sandbox=""
          srcDoc={documentOf(item)}
          className="h-80 w-full bg-white"
          data-testid="outbox-email-frame"
        />
      )}
    </article>
  );
}
