"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ChannelBadge } from "@/components/messages/format";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { campaignQueries } from "@/lib/queries/campaigns";
import { CampaignStatusBadge, formatCount, ProgressBar, percent, progressTone } from "./format";

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
  const query = useQuery(campaignQueries.list());
  const campaigns = query.data?.data ?? [];
  return (
    <div>
      <div className="mb-4 flex items-center justify-between gap-4">
        <p className="text-sm text-slate-500">
          Progress and counters update live while a campaign is sending.
        </p>
        {newCampaignLink}
      </div>
      {query.isPending ? (
        <LoadingRows rows={4} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : campaigns.length === 0 ? (
        <EmptyState title="No campaigns yet — build one with the wizard">
          Pick a template, choose lists or a filter on contact attributes, and send now or on a schedule.
        </EmptyState>
      ) : (
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
      )}
      {query.data?.next_cursor ? (
        <p className="mt-3 text-xs text-slate-500">Showing the 200 most recent campaigns.</p>
      ) : null}
    </div>
  );
}
