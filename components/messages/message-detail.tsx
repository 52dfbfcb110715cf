"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { type ReactNode, useState } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { ApiError } from "@/lib/queries/fetcher";
import { CANCELLABLE_STATUSES, FINAL_STATUSES, messageQueries } from "@/lib/queries/messages";
import { CancelMessageDialog } from "./cancel-dialog";
import { ChannelBadge, StatusBadge } from "./format";
import { MessageContent } from "./message-content";
import { MessageFacts } from "./message-facts";
import { MessageTimeline } from "./message-timeline";
import { ResendButton } from "./resend-button";

function BackLink() {
  return (
    <Link href="/messages" className="text-sm text-slate-500 hover:text-slate-900">
      ← Messages
    </Link>
  );
}

function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <h2 className="mb-3 text-sm font-semibold text-slate-900">{title}</h2>
      {children}
    </section>
  );
}

export function MessageDetailView({ id }: { id: string }) {
  const query = useQuery(messageQueries.detail(id));
  const [cancelling, setCancelling] = useState(false);

  if (query.isPending) return <LoadingRows rows={6} />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404) {
      return (
        <div className="space-y-4" data-testid="message-not-found">
          <BackLink />
          <EmptyState title="Message not found" action={<Link href="/messages">Back to messages</Link>}>
            No message of this organisation has this id. It may belong to another organisation, or the link
            may be mistyped.
          </EmptyState>
        </div>
      );
    }
    return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  }

  const m = query.data;
  return (
    <div className="space-y-6">
      <BackLink />
      <div className="flex items-start justify-between gap-4">
        <div>
          <h1 className="flex items-center gap-2 text-xl font-semibold text-slate-900">
            <ChannelBadge channel={m.channel} />
            <span className="break-all">{m.subject ?? `SMS to ${m.to}`}</span>
          </h1>
          <p className="mt-1 flex items-center gap-2 text-sm text-slate-500">
            <span data-testid="message-status" data-status={m.status}>
              <StatusBadge status={m.status} />
            </span>
            <span className="font-mono text-xs">{m.id}</span>
            {FINAL_STATUSES.has(m.status) ? null : (
              <span className="text-xs text-slate-400">· updating live</span>
            )}
          </p>
          {m.resent_from ? (
            <p className="mt-1 text-sm text-slate-500" data-testid="resent-from">
              Resends{" "}
              <Link href={`/messages/${m.resent_from}`} className="font-mono text-xs text-indigo-600">
                {m.resent_from}
              </Link>
            </p>
          ) : null}
          {m.error ? (
            <p className="mt-2 text-sm text-rose-600" data-testid="message-error">
              {m.error}
            </p>
          ) : null}
        </div>
        <ResendButton id={m.id} status={m.status} />
        {CANCELLABLE_STATUSES.has(m.status) ? (
          <Button variant="danger" onClick={() => setCancelling(true)} data-testid="cancel-message">
            Cancel message
          </Button>
        ) : null}
      </div>
      <Card title="Details">
        <MessageFacts m={m} />
      </Card>
      <Card title="Content">
        <MessageContent m={m} />
      </Card>
      <Card title="Timeline">
        <MessageTimeline events={m.events} attempts={m.attempts} />
      </Card>
      <CancelMessageDialog message={cancelling ? m : null} onClose={() => setCancelling(false)} />
    </div>
  );
}
