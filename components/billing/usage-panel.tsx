"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { billingQueries } from "@/lib/queries/billing";
import { formatMoney } from "./format";

/** Invoiced, paid and outstanding per customer (and their subscriptions), by currency. */
export function UsagePanel() {
  const query = useQuery(billingQueries.usage());
  if (query.isPending) return <LoadingRows rows={4} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  const rows = query.data.data;
  if (rows.length === 0) return <EmptyState title="Nothing billed yet" />;
  return (
    <Table
      head={["Customer", "Subscriptions", "Invoices", "Invoiced", "Paid", "Outstanding", "Payments"]}
      testId="usage-table"
    >
      {rows.flatMap((u) =>
        (u.amounts.length ? u.amounts : [null]).map((a, i) => (
          <tr key={`${u.customer_id}-${a?.currency ?? "none"}`} data-testid="usage-row">
            <Td>
              {i === 0 ? (
                <Link
                  href={`/billing/customers/${u.customer_id}`}
                  className="text-indigo-600 hover:underline"
                >
                  {u.name ?? u.email ?? u.customer_id}
                </Link>
              ) : null}
            </Td>
            <Td className="text-xs">
              {i === 0
                ? u.subscriptions.map((s) => `${s.price_id ?? s.subscription_id} (${s.status})`).join(", ") ||
                  "—"
                : null}
            </Td>
            <Td className="tabular-nums">{i === 0 ? u.invoice_count : null}</Td>
            <Td className="tabular-nums">{a ? formatMoney(a.invoiced, a.currency) : "—"}</Td>
            <Td className="tabular-nums">{a ? formatMoney(a.paid, a.currency) : "—"}</Td>
            <Td className="tabular-nums">{a ? formatMoney(a.outstanding, a.currency) : "—"}</Td>
            <Td className="tabular-nums">
              {a ? formatMoney(a.payments_received, a.currency) : "—"}
              {a?.payments_refunded ? (
                <span className="block text-xs text-slate-500">
                  refunded {formatMoney(a.payments_refunded, a.currency)}
                </span>
              ) : null}
            </Td>
          </tr>
        )),
      )}
    </Table>
  );
}
