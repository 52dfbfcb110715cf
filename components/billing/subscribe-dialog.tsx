"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SelectField, TextField } from "@/components/ui/field";
import { billingQueries, type CustomerJson, type SubscriptionJson } from "@/lib/queries/billing";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import { subscriptionCreate } from "@/lib/validation/billing";

export function SubscribeDialog({
  customer,
  open,
  onClose,
}: {
  customer: CustomerJson;
  open: boolean;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const coupons = useQuery({ ...billingQueries.coupons(), enabled: open });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: (body: unknown) => api<SubscriptionJson>("/payments/subscriptions", { method: "POST", body }),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: billingQueries.all });
      close();
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    const parsed = subscriptionCreate.safeParse({
      customer_id: customer.id,
      price_id: f.price_id,
      quantity: Number(f.quantity),
      trial_period_days: f.trial_period_days ? Number(f.trial_period_days) : undefined,
      coupon_id: f.coupon_id || undefined,
    });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    setErrors({});
    mutation.mutate(parsed.data);
  }
  function close() {
    setErrors({});
    mutation.reset();
    onClose();
  }
  const couponOptions = [
    {
      value: "",
      label: customer.coupon_id ? `The customer's coupon (${customer.coupon_id})` : "No coupon",
    },
    ...(coupons.data?.data ?? [])
      .filter((c) => c.valid)
      .map((c) => ({
        value: c.id,
        label: `${c.name ?? c.id} (${c.percent_off ? `${c.percent_off}%` : c.amount_off} off, ${c.duration})`,
      })),
  ];
  return (
    <Dialog
      open={open}
      onClose={close}
      title={`Subscribe ${customer.name ?? customer.email ?? customer.id}`}
      testId="subscribe-dialog"
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        {errors.form ? (
          <p className="text-sm text-rose-600" role="alert">
            {errors.form}
          </p>
        ) : null}
        <TextField
          label="Stripe price id"
          name="price_id"
          placeholder="price_…"
          hint="The recurring price from your Stripe product catalogue"
          error={errors.price_id}
          data-testid="subscribe-price"
        />
        <TextField
          label="Quantity"
          name="quantity"
          type="number"
          min={1}
          defaultValue={1}
          error={errors.quantity}
          data-testid="subscribe-quantity"
        />
        <TextField
          label="Trial days"
          name="trial_period_days"
          type="number"
          min={1}
          error={errors.trial_period_days}
        />
        <SelectField label="Coupon" name="coupon_id" options={couponOptions} error={errors.coupon_id} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" disabled={mutation.isPending} data-testid="subscribe-save">
            {mutation.isPending ? "Subscribing…" : "Subscribe"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
