"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast";
import { billingQueries, type SubscriptionJson } from "@/lib/queries/billing";
import { api } from "@/lib/queries/fetcher";
import { date } from "./format";

/** Asks before cancelling: at the end of the period (the default) or now. */
export function CancelSubscriptionDialog({
  subscription,
  onClose,
}: {
  subscription: SubscriptionJson | null;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const toast = useToast();
  const [atPeriodEnd, setAtPeriodEnd] = useState(true);
  const mutation = useMutation({
    mutationFn: ({ id, at_period_end }: { id: string; at_period_end: boolean }) =>
      api<SubscriptionJson>(`/payments/subscriptions/${id}/cancel`, {
        method: "POST",
        body: { at_period_end },
      }),
    onSuccess: (s) => {
      toast(s.status === "canceled" ? "Subscription cancelled" : `Subscription ends on ${date(s.cancel_at)}`);
      qc.invalidateQueries({ queryKey: billingQueries.all });
      close();
    },
    onError: (e) => toast(e.message, "error"),
  });
  function close() {
    setAtPeriodEnd(true);
    mutation.reset();
    onClose();
  }
  const alreadyEnding = subscription?.cancel_at_period_end ?? false;
  return (
    <Dialog
      open={subscription !== null}
      onClose={close}
      title="Cancel this subscription?"
      testId="cancel-subscription-dialog"
    >
      <fieldset className="space-y-3 text-sm text-slate-700">
        <legend className="mb-2 text-slate-600">
          <span className="font-mono text-xs">{subscription?.id}</span> ({subscription?.price_id})
        </legend>
        <label className="flex items-start gap-2">
          <input
            type="radio"
            name="when"
            checked={atPeriodEnd}
            disabled={alreadyEnding}
            onChange={() => setAtPeriodEnd(true)}
            data-testid="cancel-at-period-end"
          />
          <span>
            At the end of the current period ({date(subscription?.current_period_end)}): the customer keeps
            what they paid for and is not billed again.{alreadyEnding ? " Already scheduled." : ""}
          </span>
        </label>
        <label className="flex items-start gap-2">
          <input
            type="radio"
            name="when"
            checked={!atPeriodEnd || alreadyEnding}
            onChange={() => setAtPeriodEnd(false)}
            data-testid="cancel-now"
          />
          <span>Now: the subscription ends immediately.</span>
        </label>
      </fieldset>
      <div className="mt-6 flex justify-end gap-2">
        <Button variant="secondary" onClick={close}>
          Keep it
        </Button>
        <Button
          variant="danger"
          disabled={mutation.isPending}
          onClick={() =>
            subscription &&
            mutation.mutate({ id: subscription.id, at_period_end: alreadyEnding ? false : atPeriodEnd })
          }
          data-testid="confirm-cancel-subscription"
        >
          {mutation.isPending ? "Cancelling…" : "Cancel subscription"}
        </Button>
      </div>
    </Dialog>
  );
}
