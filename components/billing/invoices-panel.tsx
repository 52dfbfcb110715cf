"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { SelectField } from "@/components/ui/field";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { billingQueries } from "@/lib/queries/billing";
import { InvoicesTable } from "./tables";

const STATUSES = ["", "draft", "open", "paid", "uncollectible", "void"];

/** Every invoice, with our PDF and Stripe's. */
export function InvoicesPanel() {
  const [status, setStatus] = useState("");
  const query = useQuery(billingQueries.invoices(status ? { status } : {}));
  const rows = query.data?.data ?? [];
  return (
    <div>
      <div className="mb-4 w-56">
        <SelectField
          label="Status"
          name="status"
          value={status}
          onChange={(e) => setStatus(e.target.value)}
          options={STATUSES.map((s) => ({ value: s, label: s || "Any" }))}
        />
      </div>
      {query.isPending ? (
        <LoadingRows rows={4} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No invoices yet">
          Stripe makes an invoice when a subscription starts or renews.
        </EmptyState>
      ) : (
        <InvoicesTable rows={rows} showCustomer />
      )}
    </div>
  );
}
