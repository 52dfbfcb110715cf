"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { ChannelBadge, formatTime, StatusBadge } from "@/components/messages/format";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import {
  audienceListQueries,
  type CampaignItem,
  campaignQueries,
  LIVE_STATUSES,
} from "@/lib/queries/campaigns";
import { ApiError } from "@/lib/queries/fetcher";
import { templateQueries } from "@/lib/queries/templates";
import { AbResults } from "./ab-results";
import { CampaignActions } from "./campaign-actions";
import { CampaignStatsGrid, InFlightAtCrash } from "./campaign-stats";
import { CampaignStatusBadge, ProgressBar, percent, progressTone } from "./format";
import { describeFilter } from "./wizard-state";

const backLink = (
  <Link href="/campaigns" className="text-sm text-indigo-700 hover:underline" data-testid="back-to-campaigns">
    ← Campaigns
  </Link>
);

export function CampaignDetail({ id, userEmail }: { id: string; userEmail: string }) {
  const query = useQuery(campaignQueries.detail(id));
  if (query.isPending) return <LoadingRows rows={6} />;
  if (query.isError) {
    // 400 too: a malformed id in the URL is as much "not found" as an unknown one.
    const missing =
      query.error instanceof ApiError && (query.error.status === 404 || query.error.status === 400);
    return (
      <div className="max-w-5xl space-y-4">
        {backLink}
        {missing ? (
          <div data-testid="campaign-not-found">
            <EmptyState title="Campaign not found" action={<Link href="/campaigns">Back to campaigns</Link>}>
              It may have been deleted, or it belongs to another organisation.
            </EmptyState>
          </div>
        ) : (
          <ErrorState error={query.error} onRetry={() => query.refetch()} />
        )}
      </div>
    );
  }
  const c = query.data;
  return (
    <div className="max-w-5xl space-y-6" data-testid="campaign-detail">
      {backLink}
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <div className="flex items-center gap-3">
            <h1 className="text-xl font-semibold text-slate-900" data-testid="campaign-title">
              {c.name}
            </h1>
            <CampaignStatusBadge status={c.status} outcome={c.outcome} testId="campaign-status" />
          </div>
          <p className="mt-1 flex items-center gap-2 text-sm text-slate-500">
            <ChannelBadge channel={c.channel} />
            <span>{c.category}</span>
            <span aria-hidden="true">·</span>
            <span>Created {formatTime(c.created_at)}</span>
          </p>
        </div>
        <CampaignActions campaign={c} userEmail={userEmail} />
      </div>
      <ProgressSection campaign={c} />
      <InFlightAtCrash count={c.stats.in_flight_at_crash} />
      <CampaignStatsGrid campaign={c} />
      <AbResults campaign={c} />
      <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <Settings campaign={c} />
        <RecentMessages campaign={c} />
      </div>
    </div>
  );
}

function statusLine(c: CampaignItem): string {
  switch (c.status) {
    case "draft":
      return "Not launched yet. Launching freezes the audience and starts sending.";
    case "scheduled":
      return c.send_at ? `Scheduled for ${scheduleText(c)}.` : "Scheduled.";
    case "running":
      return c.stats.queued > 0
        ? `Sending — ${c.stats.queued} waiting.`
        : "Every message is with a provider; finishing up…";
    case "paused":
      if (c.paused_reason === "budget_exceeded")
        return "Paused by its budget: the hard-stop budget has no room for more marketing messages. Raise the budget (Costs) or wait for the next period, then resume.";
      return "Paused: nothing more is sent until you resume.";
    case "completed":
      if (c.outcome === "none_sent")
        return `Completed ${formatTime(c.completed_at)}, but nobody was reached: ${nobodyWhy(c)}.`;
      return `Completed ${formatTime(c.completed_at)}.`;
    case "cancelled":
      return `Cancelled ${formatTime(c.completed_at)}; messages not yet handed to a provider were not sent.`;
  }
}

/** Why a campaign reached nobody, in words: the rejection reasons with their counts. */
function nobodyWhy(c: CampaignItem): string {
  const reasons = Object.entries(c.stats.rejected_by_reason).map(
    ([reason, n]) => `${n} ${reason.replaceAll("_", " ")}`,
  );
  const parts = [
    ...(c.stats.rejected ? [`${c.stats.rejected} rejected (${reasons.join(", ")})`] : []),
    ...(c.stats.failed ? [`${c.stats.failed} failed at the provider`] : []),
  ];
  return parts.length ? parts.join(" and ") : "the audience was empty";
}

function ProgressSection({ campaign: c }: { campaign: CampaignItem }) {
  const pct = percent(c.stats.progress);
  const done = c.stats.targeted - c.stats.queued;
  return (
    <section
      className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
      aria-labelledby="progress-title"
    >
      <div className="mb-2 flex items-baseline justify-between gap-4">
        <h2 id="progress-title" className="text-sm font-semibold text-slate-900">
          Progress
        </h2>
        <span
          className="text-2xl font-semibold tabular-nums text-slate-900"
          data-testid="campaign-progress-label"
        >
          {pct} %
        </span>
      </div>
      <ProgressBar
        progress={c.stats.progress}
        label="Campaign progress"
        size="lg"
        testId="campaign-progress"
        tone={progressTone(c)}
      />
      <div className="mt-2 flex flex-wrap justify-between gap-2 text-xs text-slate-500">
        <span
          data-testid="campaign-status-line"
          className={
            c.outcome === "none_sent" || c.paused_reason === "budget_exceeded"
              ? "font-medium text-rose-700"
              : undefined
          }
        >
          {statusLine(c)}
        </span>
        <span className="tabular-nums">
          {Math.max(0, done)} of {c.stats.targeted} handled
          {c.launched_at ? ` · launched ${formatTime(c.launched_at)}` : ""}
        </span>
      </div>
    </section>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[8rem_minmax(0,1fr)] gap-3 px-4 py-2.5">
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="min-w-0 text-sm text-slate-900 [overflow-wrap:anywhere]">{children}</dd>
    </div>
  );
}

function scheduleText(c: CampaignItem): string {
  if (!c.send_at) return "Now, on launch";
  if (!c.local_time) return formatTime(c.send_at);
  // A local-time schedule is a wall-clock time, stored as that time in UTC.
  const wall = new Date(c.send_at).toLocaleString(undefined, {
    timeZone: "UTC",
    dateStyle: "medium",
    timeStyle: "short",
  });
  return `${wall} in each recipient's time zone`;
}

function Settings({ campaign: c }: { campaign: CampaignItem }) {
  const template = useQuery({
    ...templateQueries.detail(c.template_id ?? ""),
    enabled: Boolean(c.template_id),
  });
  const lists = useQuery({ ...audienceListQueries.list(), enabled: c.audience.list_ids.length > 0 });
  const listNames = c.audience.list_ids.map((id) => lists.data?.data.find((l) => l.id === id)?.name ?? id);
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title" className="mb-2 text-sm font-semibold text-slate-900">
        Settings
      </h2>
      <dl className="divide-y divide-slate-100 rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
        <Fact label="Template">
          {c.template_id ? (
            <Link href={`/templates/${c.template_id}`} className="text-indigo-700 hover:underline">
              {template.data ? `${template.data.name} (v${template.data.version})` : "Open template"}
            </Link>
          ) : (
            "—"
          )}
        </Fact>
        <Fact label="Audience">
          <div data-testid="campaign-audience">
            {listNames.length ? <p>Lists: {listNames.join(", ")}</p> : <p>All contacts</p>}
            {c.audience.filter?.all.length ? (
              <p>Where {c.audience.filter.all.map(describeFilter).join(" and ")}</p>
            ) : null}
          </div>
        </Fact>
        <Fact label="Schedule">{scheduleText(c)}</Fact>
        <Fact label="Throttle">
          {c.throttle_per_minute
            ? `${c.throttle_per_minute} messages per minute`
            : "As fast as providers allow"}
        </Fact>
      </dl>
    </section>
  );
}

function RecentMessages({ campaign: c }: { campaign: CampaignItem }) {
  const live = LIVE_STATUSES.has(c.status);
  // The status is part of the key: when the campaign finishes, the panel reloads instead of keeping its last poll.
  const query = useQuery({
    ...campaignQueries.messages(c.id, live, c.status),
    enabled: c.status !== "draft",
  });
  const href = `/messages?campaign_id=${encodeURIComponent(c.id)}`;
  return (
    <section aria-labelledby="messages-title">
      <div className="mb-2 flex items-baseline justify-between gap-2">
        <h2 id="messages-title" className="text-sm font-semibold text-slate-900">
          Messages
        </h2>
        <div className="flex gap-3 text-xs">
          <Link
            href={href}
            className="font-medium text-indigo-700 hover:underline"
            data-testid="campaign-messages-link"
          >
            All messages of this campaign →
          </Link>
          <Link
            href="/outbox"
            className="font-medium text-indigo-700 hover:underline"
            data-testid="campaign-outbox-link"
          >
            Outbox →
          </Link>
        </div>
      </div>
      {c.status === "draft" ? (
        <EmptyState title="No messages yet">Messages are created when the campaign is launched.</EmptyState>
      ) : query.isPending ? (
        <LoadingRows rows={3} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : query.data.data.length === 0 ? (
        <EmptyState title="No messages yet">
          {live ? "The audience is being frozen into messages…" : "This campaign created no messages."}
        </EmptyState>
      ) : (
        <Table head={["To", "Status", "Updated"]} testId="campaign-messages">
          {query.data.data.map((m) => (
            <tr key={m.id}>
              <Td>
                <Link href={`/messages/${m.id}`} className="text-indigo-700 hover:underline">
                  {m.to}
                </Link>
              </Td>
              <Td>
                <StatusBadge status={m.status} />
              </Td>
              <Td className="text-xs text-slate-500">{formatTime(m.updated_at)}</Td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
