"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { type ReactNode, useState } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { billingQueries, type SubscriptionJson } from "@/lib/queries/billing";
import { ApiError } from "@/lib/queries/fetcher";
import { ApplyCouponDialog } from "./apply-coupon-dialog";
import { CancelSubscriptionDialog } from "./cancel-subscription-dialog";
import { date } from "./format";
import { PaymentDialog } from "./payment-dialog";
import { SubscribeDialog } from "./subscribe-dialog";
import { InvoicesTable, PaymentsTable, SubscriptionsTable } from "./tables";

function Section({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <section className="mb-8">
      <div className="mb-2 flex items-center justify-between">
        <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-500">{title}</h2>
        {action}
      </div>
      {children}
    </section>
  );
}

export function CustomerDetail({ id, canWrite }: { id: string; canWrite: boolean }) {
  const query = useQuery(billingQueries.customer(id));
  const [dialog, setDialog] = useState<"subscribe" | "payment" | "coupon" | null>(null);
  const [cancelling, setCancelling] = useState<SubscriptionJson | null>(null);
  if (query.isPending) return <LoadingRows rows={6} />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404) {
      return (
        <EmptyState
          title="No such customer"
          action={
            <Link href="/billing" className="text-indigo-600">
              All customers
            </Link>
          }
        >
          It does not exist in this organisation.
        </EmptyState>
      );
    }
    return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  }
  const c = query.data;
  const address = c.address
    ? [
        c.address.line1,
        c.address.line2,
        c.address.postal_code,
        c.address.city,
        c.address.state,
        c.address.country,
      ]
        .filter(Boolean)
        .join(", ")
    : null;
  return (
    <div data-testid="customer-detail" data-customer-id={c.id}>
      <div className="mb-6 flex items-start justify-between gap-4">
        <div>
          <Link href="/billing" className="text-xs text-slate-500 hover:text-indigo-600">
            ← Customers
          </Link>
          <h2 className="text-lg font-semibold text-slate-900" data-testid="customer-title">
            {c.name ?? c.email ?? c.id}
          </h2>
          <p className="text-sm text-slate-600">
            {c.email ?? "no email"}
            {c.phone ? ` · ${c.phone}` : ""}
          </p>
          {address ? <p className="text-sm text-slate-500">{address}</p> : null}
          <p className="mt-1 font-mono text-xs text-slate-400">
            {c.id} · since {date(c.created_at)}
            {c.coupon_id ? ` · coupon ${c.coupon_id}` : ""}
          </p>
        </div>
        {canWrite ? (
          <div className="flex gap-2">
            <Button variant="secondary" onClick={() => setDialog("coupon")} data-testid="apply-coupon">
              Apply coupon
            </Button>
            <Button variant="secondary" onClick={() => setDialog("payment")} data-testid="new-payment">
              New payment
            </Button>
            <Button onClick={() => setDialog("subscribe")} data-testid="subscribe">
              Subscribe
            </Button>
          </div>
        ) : null}
      </div>

      <Section title="Payment methods">
        {c.payment_methods === null ? (
          <p className="text-sm text-amber-700">Stripe did not answer: {c.payment_methods_error}</p>
        ) : c.payment_methods.length === 0 ? (
          <p className="text-sm text-slate-500" data-testid="no-payment-methods">
            No card on file: invoices are sent for payment, or the customer pays with Stripe.js.
          </p>
        ) : (
          <ul className="space-y-1 text-sm" data-testid="payment-methods">
            {c.payment_methods.map((pm) => (
              <li key={pm.id}>
                <span className="font-medium capitalize">{pm.brand ?? pm.type}</span> ···· {pm.last4 ?? "—"}
                {pm.exp_month && pm.exp_year ? ` · expires ${pm.exp_month}/${pm.exp_year}` : ""}
                {pm.is_default ? <span className="ml-2 text-xs text-emerald-700">default</span> : null}
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title="Subscriptions">
        {c.subscriptions.length ? (
          <SubscriptionsTable rows={c.subscriptions} canWrite={canWrite} onCancel={setCancelling} />
        ) : (
          <EmptyState title="No subscriptions">
            {canWrite ? "Subscribe the customer to a price." : null}
          </EmptyState>
        )}
      </Section>

      <Section title="Invoices">
        {c.invoices.length ? <InvoicesTable rows={c.invoices} /> : <EmptyState title="No invoices yet" />}
      </Section>

      <Section title="Payments">
        {c.payment_intents.length ? (
          <PaymentsTable rows={c.payment_intents} />
        ) : (
          <EmptyState title="No payments yet" />
        )}
      </Section>

      {canWrite ? (
        <>
          <SubscribeDialog customer={c} open={dialog === "subscribe"} onClose={() => setDialog(null)} />
          <PaymentDialog customerId={c.id} open={dialog === "payment"} onClose={() => setDialog(null)} />
          <ApplyCouponDialog customer={c} open={dialog === "coupon"} onClose={() => setDialog(null)} />
          <CancelSubscriptionDialog subscription={cancelling} onClose={() => setCancelling(null)} />
        </>
      ) : null}
    </div>
  );
}
