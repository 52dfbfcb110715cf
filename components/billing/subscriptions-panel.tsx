"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { SelectField } from "@/components/ui/field";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { billingQueries, type SubscriptionJson } from "@/lib/queries/billing";
import { CancelSubscriptionDialog } from "./cancel-subscription-dialog";
import { SubscriptionsTable } from "./tables";

const STATUSES = ["", "active", "trialing", "past_due", "incomplete", "unpaid", "canceled"];

export function SubscriptionsPanel({ canWrite }: { canWrite: boolean }) {
  const [status, setStatus] = useState("");
  const query = useQuery(billingQueries.subscriptions(status ? { status } : {}));
  const [cancelling, setCancelling] = useState<SubscriptionJson | null>(null);
  const rows = query.data?.data ?? [];
  return (
    <div>
      <div className="mb-4 w-56">
        <SelectField
          label="Status"
          name="status"
          value={status}
          onChange={(e) => setStatus(e.target.value)}
          options={STATUSES.map((s) => ({ value: s, label: s ? s.replace(/_/g, " ") : "Any" }))}
        />
      </div>
      {query.isPending ? (
        <LoadingRows rows={4} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No subscriptions">Subscribe a customer from its page under Customers.</EmptyState>
      ) : (
        <SubscriptionsTable rows={rows} canWrite={canWrite} onCancel={setCancelling} showCustomer />
      )}
      {canWrite ? (
        <CancelSubscriptionDialog subscription={cancelling} onClose={() => setCancelling(null)} />
      ) : null}
    </div>
  );
}
