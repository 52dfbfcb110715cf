"use client";

import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Table, Td } from "@/components/ui/table";
import type { InvoiceJson, PaymentIntentJson, SubscriptionJson } from "@/lib/queries/billing";
import { date, formatMoney, StatusBadge } from "./format";

const ENDED = new Set(["canceled", "incomplete_expired"]);

export function SubscriptionsTable({
  rows,
  canWrite,
  onCancel,
  showCustomer = false,
}: {
  rows: SubscriptionJson[];
  canWrite: boolean;
  onCancel: (s: SubscriptionJson) => void;
  showCustomer?: boolean;
}) {
  return (
    <Table
      head={["Subscription", ...(showCustomer ? ["Customer"] : []), "Price", "Status", "Renews / ends", ""]}
      testId="subscriptions-table"
    >
      {rows.map((s) => {
        const item = s.items[0];
        return (
          <tr key={s.id} data-testid="subscription-row" data-subscription-id={s.id} data-status={s.status}>
            <Td>
              <p className="font-mono text-xs text-slate-700">{s.id}</p>
              {s.coupon_ids.length ? (
                <p className="text-xs text-indigo-600">coupon {s.coupon_ids.join(", ")}</p>
              ) : null}
            </Td>
            {showCustomer ? (
              <Td>
                <Link
                  href={`/billing/customers/${s.customer_id}`}
                  className="text-indigo-600 hover:underline"
                >
                  {s.customer_id}
                </Link>
              </Td>
            ) : null}
            <Td className="text-xs">
              {s.price_id}
              {item?.unit_amount !== null && item ? (
                <span className="block text-slate-500">
                  {s.quantity ?? 1} × {formatMoney(item.unit_amount ?? 0, item.currency)}
                  {item.interval ? ` / ${item.interval}` : ""}
                </span>
              ) : null}
            </Td>
            <Td>
              <StatusBadge status={s.status} />
              {s.cancel_at_period_end && !ENDED.has(s.status) ? (
                <span className="mt-1 block text-xs text-amber-700" data-testid="cancels-at-period-end">
                  Cancels at period end
                </span>
              ) : null}
            </Td>
            <Td className="text-xs">
              {ENDED.has(s.status)
                ? `ended ${date(s.ended_at ?? s.canceled_at)}`
                : date(s.cancel_at ?? s.current_period_end)}
            </Td>
            <Td className="text-right">
              {canWrite && !ENDED.has(s.status) ? (
                <Button
                  variant="ghost"
                  size="sm"
                  onClick={() => onCancel(s)}
                  data-testid="cancel-subscription"
                >
                  Cancel…
                </Button>
              ) : null}
            </Td>
          </tr>
        );
      })}
    </Table>
  );
}

export function InvoicesTable({
  rows,
  showCustomer = false,
}: {
  rows: InvoiceJson[];
  showCustomer?: boolean;
}) {
  return (
    <Table
      head={["Invoice", ...(showCustomer ? ["Customer"] : []), "Status", "Total", "Due", "Date", "PDF"]}
      testId="invoices-table"
    >
      {rows.map((i) => (
        <tr key={i.id} data-testid="invoice-row" data-invoice-id={i.id} data-status={i.status ?? ""}>
          <Td>
            <p className="font-medium text-slate-900">{i.number ?? "draft"}</p>
            <p className="font-mono text-xs text-slate-400">{i.id}</p>
          </Td>
          {showCustomer ? (
            <Td>
              {i.customer_id ? (
                <Link
                  href={`/billing/customers/${i.customer_id}`}
                  className="text-indigo-600 hover:underline"
                >
                  {i.customer_name ?? i.customer_email ?? i.customer_id}
                </Link>
              ) : (
                "—"
              )}
            </Td>
          ) : null}
          <Td>
            <StatusBadge status={i.status} />
          </Td>
          <Td className="tabular-nums">{formatMoney(i.total, i.currency)}</Td>
          <Td className="tabular-nums">{formatMoney(i.amount_remaining, i.currency)}</Td>
          <Td className="text-xs">{date(i.created_at)}</Td>
          <Td>
            <div className="flex gap-3 text-xs">
              <a
                href={i.pdf_url}
                download
                className="text-indigo-600 hover:underline"
                data-testid="invoice-pdf"
              >
                Download PDF
              </a>
              {i.invoice_pdf ? (
                <a
                  href={i.invoice_pdf}
                  target="_blank"
                  rel="noreferrer"
                  className="text-slate-500 hover:underline"
                  data-testid="invoice-stripe-pdf"
                >
                  Stripe's PDF ↗
                </a>
              ) : null}
              {i.hosted_invoice_url ? (
                <a
                  href={i.hosted_invoice_url}
                  target="_blank"
                  rel="noreferrer"
                  className="text-slate-500 hover:underline"
                >
                  Hosted page ↗
                </a>
              ) : null}
            </div>
          </Td>
        </tr>
      ))}
    </Table>
  );
}

export function PaymentsTable({ rows }: { rows: PaymentIntentJson[] }) {
  return (
    <Table head={["Payment", "Customer", "Amount", "Status", "Refunded", "Date"]} testId="payments-table">
      {rows.map((p) => (
        <tr key={p.id} data-testid="payment-row" data-status={p.status}>
          <Td>
            <p className="text-slate-900">{p.description ?? "—"}</p>
            <p className="font-mono text-xs text-slate-400">{p.id}</p>
          </Td>
          <Td className="text-xs">
            {p.customer_id ? (
              <Link href={`/billing/customers/${p.customer_id}`} className="text-indigo-600 hover:underline">
                {p.customer_id}
              </Link>
            ) : (
              "—"
            )}
          </Td>
          <Td className="tabular-nums">{formatMoney(p.amount, p.currency)}</Td>
          <Td>
            <StatusBadge status={p.status} />
            {p.last_payment_error ? (
              <p className="mt-1 text-xs text-rose-600">{p.last_payment_error}</p>
            ) : null}
          </Td>
          <Td className="tabular-nums text-xs">
            {p.amount_refunded ? formatMoney(p.amount_refunded, p.currency) : "—"}
          </Td>
          <Td className="text-xs">{date(p.created_at)}</Td>
        </tr>
      ))}
    </Table>
  );
}
