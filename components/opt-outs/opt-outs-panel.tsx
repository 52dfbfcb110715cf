"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { consentQueries, type OptOutItem } from "@/lib/queries/consent";
import { api } from "@/lib/queries/fetcher";
import { useUrlFilters, useUrlPages, useUrlSearch } from "@/lib/queries/url-state";
import { AddOptOutDialog } from "./add-opt-out-dialog";
import { SuppressionsPanel } from "./suppressions-panel";

const OPT_OUT_FILTER_KEYS = ["q", "channel", "pages"] as const;

function OptOutList() {
  const { values, apply } = useUrlFilters(OPT_OUT_FILTER_KEYS);
  const channel = values.channel ?? "";
  const setChannel = (c: string) => apply({ ...values, channel: c, pages: undefined });
  const {
    text: q,
    setText: setQ,
    q: settled,
  } = useUrlSearch(values.q, (next) => apply({ ...values, q: next, pages: undefined }, { replace: true }));
  const [adding, setAdding] = useState(false);
  const query = useInfiniteQuery(
    consentQueries.optOuts({ q: settled || undefined, channel: channel || undefined }),
  );
  const qc = useQueryClient();
  const toast = useToast();
  const remove = useMutation({
    mutationFn: (o: OptOutItem) =>
      api("/opt-ins", {
        method: "POST",
        body: { address: o.address, channel: o.channel, ...(o.category ? { category: o.category } : {}) },
      }),
    onSuccess: (_r, o) => {
      toast(`${o.address} opted back in${o.category ? ` to ${o.category}` : ""}`);
      qc.invalidateQueries({ queryKey: consentQueries.all });
    },
    onError: (e) => toast(e.message, "error"),
  });
  const { rows, hasMore, loadingMore, loadMore } = useUrlPages(query, values.pages, (n) =>
    apply({ ...values, pages: String(n) }),
  );
  return (
    <section>
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <label className="text-sm">
          <span className="block text-slate-600">Search</span>
          <input
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Number or email"
            className="mt-1 rounded-md border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300"
            data-testid="opt-out-search"
          />
        </label>
        <label className="text-sm">
          <span className="block text-slate-600">Channel</span>
          <select
            value={channel}
            onChange={(e) => setChannel(e.target.value)}
            className="mt-1 rounded-md border-0 py-1.5 pl-2 pr-7 text-sm ring-1 ring-slate-300"
          >
            <option value="">All</option>
            <option value="sms">SMS</option>
            <option value="email">Email</option>
          </select>
        </label>
        <div className="ml-auto flex gap-2">
          <a
            href="/api/v1/opt-outs/export"
            download
            className="inline-flex items-center rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
            data-testid="export-opt-outs"
          >
            Export CSV
          </a>
          <Button onClick={() => setAdding(true)} data-testid="add-opt-out">
            Add opt-out
          </Button>
        </div>
      </div>
      {query.isPending ? (
        <LoadingRows />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title={q || channel ? "No matching opt-outs" : "No opt-outs"}>
          People who reply STOP, click unsubscribe, or are added here are never sent to on that channel.
        </EmptyState>
      ) : (
        <>
          <Table
            head={["Address", "Channel", "Scope", "Source", "Reason", "Since", ""]}
            testId="opt-outs-table"
          >
            {rows.map((o) => (
              <tr key={o.id} data-testid="opt-out-row" data-address={o.address}>
                <Td className="font-medium text-slate-900">{o.address}</Td>
                <Td>{o.channel === "sms" ? "SMS" : "Email"}</Td>
                <Td>
                  {o.category ? (
                    <Badge tone="amber">{o.category}</Badge>
                  ) : (
                    <Badge tone="red">everything</Badge>
                  )}
                </Td>
                <Td className="text-xs">{o.source.replace(/_/g, " ")}</Td>
                <Td className="max-w-xs truncate text-xs">{o.reason ?? "—"}</Td>
                <Td className="text-xs">{new Date(o.created_at).toLocaleString()}</Td>
                <Td className="text-right">
                  <Button
                    variant="ghost"
                    size="sm"
                    onClick={() => remove.mutate(o)}
                    disabled={remove.isPending}
                    data-testid={`opt-in-${o.address}`}
                  >
                    Opt back in
                  </Button>
                </Td>
              </tr>
            ))}
          </Table>
          {hasMore ? (
            <div className="mt-4 text-center">
              <Button variant="secondary" onClick={loadMore} disabled={loadingMore}>
                Load more
              </Button>
            </div>
          ) : null}
        </>
      )}
      <AddOptOutDialog open={adding} onClose={() => setAdding(false)} />
    </section>
  );
}

export function OptOutsPanel() {
  const [tab, setTab] = useState<"opt-outs" | "suppressions">("opt-outs");
  return (
    <div>
      <div className="mb-6 border-b border-slate-200">
        <nav className="-mb-px flex gap-6" aria-label="Consent">
          {(["opt-outs", "suppressions"] as const).map((t) => (
            <button
              key={t}
              type="button"
              onClick={() => setTab(t)}
              data-testid={`tab-${t}`}
              className={`border-b-2 px-1 pb-2 text-sm font-medium ${tab === t ? "border-indigo-600 text-indigo-600" : "border-transparent text-slate-500 hover:text-slate-700"}`}
            >
              {t === "opt-outs" ? "Opt-outs" : "Suppressed emails"}
            </button>
          ))}
        </nav>
      </div>
      {tab === "opt-outs" ? <OptOutList /> : <SuppressionsPanel />}
    </div>
  );
}
