"use client";

import { type ReactNode, useState } from "react";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";

/**
 * A chart with its table beside it (side by side on wide screens, a toggle on
 * narrow ones), and the loading, error and empty states every chart needs.
 */
export function ChartCard({
  title,
  description,
  testId,
  query,
  empty,
  emptyTitle,
  emptyText,
  chart,
  table,
}: {
  title: string;
  description?: string;
  testId: string;
  query: { isPending: boolean; error: unknown; refetch: () => unknown };
  empty: boolean;
  emptyTitle: string;
  emptyText: ReactNode;
  chart: () => ReactNode;
  table: () => ReactNode;
}) {
  const [view, setView] = useState<"chart" | "table">("chart");
  let body: ReactNode;
  if (query.isPending) body = <LoadingRows rows={4} />;
  else if (query.error) body = <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  else if (empty) body = <EmptyState title={emptyTitle}>{emptyText}</EmptyState>;
  else
    body = (
      <div className="grid gap-4 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div
          className={`${view === "chart" ? "block" : "hidden"} h-64 min-w-0 xl:block`}
          aria-hidden={view !== "chart"}
        >
          {chart()}
        </div>
        <div className={`${view === "table" ? "block" : "hidden"} min-w-0 xl:block`}>{table()}</div>
      </div>
    );
  return (
    <section className="min-w-0 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200" data-testid={testId}>
      <div className="mb-3 flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
          {description ? <p className="mt-0.5 text-xs text-slate-500">{description}</p> : null}
        </div>
        <div
          className="inline-flex rounded-md ring-1 ring-slate-300 xl:hidden"
          role="group"
          aria-label="Show as"
        >
          {(["chart", "table"] as const).map((v) => (
            <button
              key={v}
              type="button"
              aria-pressed={view === v}
              onClick={() => setView(v)}
              className={`px-2.5 py-1 text-xs font-medium first:rounded-l-md last:rounded-r-md ${
                view === v ? "bg-slate-900 text-white" : "bg-white text-slate-700"
              }`}
            >
              {v === "chart" ? "Chart" : "Table"}
            </button>
          ))}
        </div>
      </div>
      {body}
    </section>
  );
}

/** A compact table for chart data; scrolls inside its own box on narrow screens. */
export function DataTable({
  head,
  rows,
  testId,
}: {
  head: string[];
  rows: (string | number)[][];
  testId?: string;
}) {
  return (
    <div className="max-h-64 overflow-auto rounded-md ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-xs" data-testid={testId}>
        <thead className="sticky top-0 bg-slate-50">
          <tr>
            {head.map((h) => (
              <th key={h} scope="col" className="px-3 py-2 text-left font-semibold text-slate-500">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.join("|")}>
              {r.map((c, i) => (
                <td
                  // biome-ignore lint/suspicious/noArrayIndexKey: cells of a row have no identity beyond position
                  key={i}
                  className={`whitespace-nowrap px-3 py-1.5 text-slate-700 ${typeof c === "number" ? "text-right tabular-nums" : ""}`}
                >
                  {typeof c === "number" ? c.toLocaleString(undefined, { maximumFractionDigits: 6 }) : c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export const PALETTE = [
  "#4f46e5",
  "#0891b2",
  "#16a34a",
  "#d97706",
  "#db2777",
  "#7c3aed",
  "#64748b",
  "#dc2626",
];

/** Money for display: the amount with up to 6 decimals and its currency. */
export function fmtMoney(n: number, currency: string | null | undefined): string {
  return `${n.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 6 })} ${currency ?? ""}`.trim();
}

export const pct = (r: number) => `${(r * 100).toFixed(1)} %`;
