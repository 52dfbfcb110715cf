"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { billingQueries } from "@/lib/queries/billing";
import { PaymentDialog } from "./payment-dialog";
import { PaymentsTable } from "./tables";

export function PaymentsPanel({ canWrite }: { canWrite: boolean }) {
  const query = useQuery(billingQueries.paymentIntents());
  const [creating, setCreating] = useState(false);
  const rows = query.data?.data ?? [];
  return (
    <div>
      {canWrite ? (
        <div className="mb-4 flex justify-end">
          <Button onClick={() => setCreating(true)} data-testid="new-payment">
            New payment
          </Button>
        </div>
      ) : null}
      {query.isPending ? (
        <LoadingRows rows={4} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No payments yet">One-off payments (payment intents) show up here.</EmptyState>
      ) : (
        <PaymentsTable rows={rows} />
      )}
      {canWrite ? <PaymentDialog open={creating} onClose={() => setCreating(false)} /> : null}
    </div>
  );
}
