"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useId } from "react";
import { ChannelBadge } from "@/components/messages/format";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { CAMPAIGN_STATUSES } from "@/lib/db/schema/campaigns";
import { type CampaignFilters, campaignQueries } from "@/lib/queries/campaigns";
import { useUrlFilters } from "@/lib/queries/url-state";
import { CampaignStatusBadge, formatCount, ProgressBar, percent, progressTone } from "./format";

const control = "mt-1 rounded-md border-0 px-2 py-1.5 pr-7 text-sm ring-1 ring-slate-300";

const CAMPAIGN_FILTER_KEYS = ["status", "channel", "cursor"] as const;
type CampaignFilterValues = Partial<Record<(typeof CAMPAIGN_FILTER_KEYS)[number], string>>;

/** The API filters for the values kept in the URL. */
function toCampaignFilters(v: CampaignFilterValues): CampaignFilters {
  return {
    status: v.status,
    channel: v.channel === "email" || v.channel === "sms" ? v.channel : undefined,
  };
}

/** Status and channel; each change is a new history entry and starts again at the newest page. */
function CampaignFiltersBar({
  values,
  onApply,
}: {
  values: CampaignFilterValues;
  onApply: (values: CampaignFilterValues) => void;
}) {
  const id = useId();
  const statusKnown = !values.status || (CAMPAIGN_STATUSES as readonly string[]).includes(values.status);
  const set = (k: "status" | "channel", v: string) => onApply({ ...values, [k]: v, cursor: undefined });
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div className="text-sm">
        <label htmlFor={`${id}-status`} className="block text-slate-600">
          Status
        </label>
        <select
          id={`${id}-status`}
          value={values.status ?? ""}
          onChange={(e) => set("status", e.target.value)}
          className={control}
          data-testid="campaign-filter-status"
        >
          <option value="">Any</option>
          {CAMPAIGN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
          {statusKnown ? null : <option value={values.status}>{values.status}</option>}
        </select>
      </div>
      <div className="text-sm">
        <label htmlFor={`${id}-channel`} className="block text-slate-600">
          Channel
        </label>
        <select
          id={`${id}-channel`}
          value={values.channel ?? ""}
          onChange={(e) => set("channel", e.target.value)}
          className={control}
          data-testid="campaign-filter-channel"
        >
          <option value="">Any</option>
          <option value="email">Email</option>
          <option value="sms">SMS</option>
        </select>
      </div>
      {values.status || values.channel ? (
        <Button variant="ghost" onClick={() => onApply({})} data-testid="campaign-filter-reset">
          Clear
        </Button>
      ) : null}
    </div>
  );
}

const newCampaignLink = (
  <Link
    href="/campaigns/new"
    className="inline-flex items-center justify-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500"
    data-testid="new-campaign"
  >
    New campaign
  </Link>
);

export function CampaignsList() {
  const { values, apply } = useUrlFilters(CAMPAIGN_FILTER_KEYS);
  const filters = toCampaignFilters(values);
  const cursor = values.cursor ?? null;
  const query = useQuery(campaignQueries.page(filters, cursor));
  const campaigns = query.data?.data ?? [];
  const filtered = Object.values(filters).some(Boolean) || Boolean(cursor);
  return (
    <div>
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <CampaignFiltersBar values={values} onApply={apply} />
        {newCampaignLink}
      </div>
      <p className="mb-3 text-sm text-slate-500">
        Progress and counters update live while a campaign is sending.
      </p>
      {query.isPending ? (
        <LoadingRows rows={4} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : campaigns.length === 0 ? (
        filtered ? (
          <EmptyState
            title="No campaigns match these filters"
            action={
              <Button variant="secondary" onClick={() => apply({})} data-testid="campaign-filter-clear">
                Clear filters
              </Button>
            }
          />
        ) : (
          <EmptyState title="No campaigns yet — build one with the wizard">
            Pick a template, choose lists or a filter on contact attributes, and send now or on a schedule.
          </EmptyState>
        )
      ) : (
        <>
          <Table
            head={["Name", "Channel", "Status", "Progress", "Sent / targeted", "Created"]}
            testId="campaigns"
          >
            {campaigns.map((c) => (
              <tr key={c.id} data-testid={`campaign-row-${c.name}`}>
                <Td>
                  <Link
                    href={`/campaigns/${c.id}`}
                    className="font-medium text-indigo-700 hover:underline"
                    data-testid="campaign-link"
                  >
                    {c.name}
                  </Link>
                  <p className="text-xs text-slate-500">{c.category}</p>
                </Td>
                <Td>
                  <ChannelBadge channel={c.channel} />
                </Td>
                <Td>
                  <CampaignStatusBadge status={c.status} outcome={c.outcome} />
                </Td>
                <Td>
                  <div className="flex w-40 items-center gap-2">
                    <ProgressBar
                      progress={c.stats.progress}
                      label={`Progress of ${c.name}`}
                      tone={progressTone(c)}
                    />
                    <span className="w-10 text-right text-xs tabular-nums text-slate-600">
                      {percent(c.stats.progress)} %
                    </span>
                  </div>
                </Td>
                <Td className="tabular-nums">
                  {formatCount(c.stats.sent)} / {formatCount(c.stats.targeted)}
                </Td>
                <Td className="text-xs text-slate-500">{new Date(c.created_at).toLocaleString()}</Td>
              </tr>
            ))}
          </Table>
          <div className="mt-4 flex items-center justify-between gap-3 text-sm">
            {cursor ? (
              <Button
                variant="secondary"
                onClick={() => apply({ ...values, cursor: undefined })}
                data-testid="campaigns-first"
              >
                ← First page
              </Button>
            ) : (
              <span />
            )}
            {query.data?.next_cursor ? (
              <Button
                variant="secondary"
                onClick={() => apply({ ...values, cursor: query.data?.next_cursor ?? undefined })}
                disabled={query.isPlaceholderData}
                data-testid="campaigns-next"
              >
                Next page →
              </Button>
            ) : null}
          </div>
        </>
      )}
    </div>
  );
}
