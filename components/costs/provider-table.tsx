"use client";

import { useQuery } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { BALANCE_TYPES, costQueries, type ProviderComparison } from "@/lib/queries/costs";
import { fmtMoney, pct } from "./chart-card";

type Row = ProviderComparison["data"][number];

export function ProviderComparisonTable({ days = 30 }: { days?: number }) {
  const q = useQuery(costQueries.compare(days));
  if (q.isPending) return <LoadingRows rows={3} />;
  if (q.error) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const rows = q.data.data;
  if (rows.every((r) => r.messages === 0))
    return (
      <EmptyState title={`No messages in the last ${days} days`}>
        The comparison fills in as providers send: cost per delivered message, delivery rate, time to
        delivered and failover share side by side.
      </EmptyState>
    );
  return (
    <Table
      testId="provider-comparison"
      head={[
        "Provider",
        "Messages",
        "Delivered",
        "Rate",
        "Cost",
        "Per delivered",
        "p50 / p95",
        "Failover",
        "Errors",
        "Balance",
      ]}
    >
      {rows.map((r) => (
        <tr key={r.provider_id}>
          <Td>
            <span className="font-medium text-slate-900">{r.name}</span>{" "}
            <span className="text-xs text-slate-500">
              {r.type} · {r.channel}
            </span>
          </Td>
          <Td className="text-right tabular-nums">{r.messages.toLocaleString()}</Td>
          <Td className="text-right tabular-nums">{r.delivered.toLocaleString()}</Td>
          <Td className="text-right tabular-nums">{pct(r.delivery_rate)}</Td>
          <Td className="text-right tabular-nums">{fmtMoney(r.cost, r.currency)}</Td>
          <Td className="text-right tabular-nums">
            {r.cost_per_delivered === null ? "—" : fmtMoney(r.cost_per_delivered, r.currency)}
          </Td>
          <Td className="text-right tabular-nums">
            {r.p50_delivery_s === null ? "—" : `${r.p50_delivery_s} s / ${r.p95_delivery_s} s`}
          </Td>
          <Td className="text-right tabular-nums">{pct(r.failover_share)}</Td>
          <Td className="text-xs">
            {Object.entries(r.error_mix)
              .filter(([, n]) => n > 0)
              .map(([k, n]) => `${k} ${n}`)
              .join(", ") || "—"}
          </Td>
          <Td>
            {BALANCE_TYPES.has(r.type) ? (
              <BalanceButton row={r} />
            ) : (
              <span className="text-xs text-slate-400">n/a</span>
            )}
          </Td>
        </tr>
      ))}
    </Table>
  );
}

/** Asks the provider's own balance API on demand (each click is a request to the provider). */
export function BalanceButton({ row }: { row: Row }) {
  const q = useQuery(costQueries.balance(row.provider_id));
  if (q.data)
    return (
      <span className="tabular-nums" data-testid={`balance-${row.provider_id}`}>
        {fmtMoney(q.data.amount, q.data.currency)}
      </span>
    );
  return (
    <span className="inline-flex items-center gap-2">
      <Button variant="secondary" size="sm" onClick={() => q.refetch()} disabled={q.isFetching}>
        {q.isFetching ? "Asking…" : "Check balance"}
      </Button>
      {q.error ? <span className="text-xs text-rose-700">{(q.error as Error).message}</span> : null}
    </span>
  );
}
