"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { billingQueries, type PaymentIntentJson } from "@/lib/queries/billing";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import { toMinorUnits } from "@/lib/services/billing/money";
import { paymentIntentCreate } from "@/lib/validation/billing";

/** Creates a payment intent; the amount is typed in major units ("19.99") and sent in the smallest unit. */
export function PaymentDialog({
  open,
  onClose,
  customerId,
}: {
  open: boolean;
  onClose: () => void;
  customerId?: string;
}) {
  const qc = useQueryClient();
  const toast = useToast();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: (body: unknown) =>
      api<PaymentIntentJson>("/payments/payment-intents", { method: "POST", body }),
    onSuccess: (p) => {
      toast(`Payment ${p.id} created: ${p.status.replace(/_/g, " ")}`);
      qc.invalidateQueries({ queryKey: billingQueries.all });
      close();
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    const currency = (f.currency ?? "").trim();
    const amount = /^[A-Za-z]{3}$/.test(currency) ? toMinorUnits(f.amount ?? "", currency) : null;
    const parsed = paymentIntentCreate.safeParse({
      amount: amount ?? Number.NaN,
      currency,
      customer_id: customerId || f.customer_id || undefined,
      description: f.description,
    });
    if (!parsed.success) {
      const errs = fieldErrors(parsed.error.issues);
      if (amount === null) errs.amount = "must be an amount such as 19.99 in that currency";
      return setErrors(errs);
    }
    setErrors({});
    mutation.mutate(parsed.data);
  }
  function close() {
    setErrors({});
    mutation.reset();
    onClose();
  }
  return (
    <Dialog open={open} onClose={close} title="New payment" testId="payment-dialog">
      <form onSubmit={submit} className="space-y-4" noValidate>
        {errors.form ? (
          <p className="text-sm text-rose-600" role="alert">
            {errors.form}
          </p>
        ) : null}
        <div className="grid grid-cols-2 gap-4">
          <TextField
            label="Amount"
            name="amount"
            inputMode="decimal"
            placeholder="19.99"
            error={errors.amount}
            data-testid="payment-amount"
          />
          <TextField
            label="Currency"
            name="currency"
            defaultValue="usd"
            error={errors.currency}
            data-testid="payment-currency"
          />
        </div>
        {customerId ? null : (
          <TextField
            label="Customer id (optional)"
            name="customer_id"
            placeholder="cus_…"
            error={errors.customer_id}
          />
        )}
        <TextField
          label="Description"
          name="description"
          error={errors.description}
          data-testid="payment-description"
        />
        <p className="text-xs text-slate-500">
          Stripe creates the payment intent; the customer confirms it with a card (Stripe.js or the hosted
          invoice page).
        </p>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" disabled={mutation.isPending} data-testid="payment-save">
            {mutation.isPending ? "Creating…" : "Create payment"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
