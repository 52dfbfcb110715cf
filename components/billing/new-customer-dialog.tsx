"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SelectField, TextField } from "@/components/ui/field";
import { billingQueries, type CustomerJson } from "@/lib/queries/billing";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import { customerCreate } from "@/lib/validation/billing";

const CARDS = [
  { value: "", label: "None — the customer pays through an invoice or Stripe.js" },
  { value: "pm_card_visa", label: "Test card: Visa 4242 (test mode only)" },
  { value: "pm_card_mastercard", label: "Test card: Mastercard 4444 (test mode only)" },
];

export function NewCustomerDialog({
  open,
  onClose,
  onCreated,
  testMode,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (c: CustomerJson) => void;
  testMode: boolean;
}) {
  const qc = useQueryClient();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: (body: unknown) => api<CustomerJson>("/payments/customers", { method: "POST", body }),
    onSuccess: (c) => {
      qc.invalidateQueries({ queryKey: billingQueries.all });
      setErrors({});
      onCreated(c);
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    const parsed = customerCreate.safeParse({
      email: f.email,
      name: f.name,
      phone: f.phone,
      address: { line1: f.line1, city: f.city, postal_code: f.postal_code, country: f.country },
      payment_method: f.payment_method || undefined,
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

  return (
    <Dialog open={open} onClose={close} title="New customer" testId="new-customer-dialog" wide>
      <form onSubmit={submit} className="grid grid-cols-2 gap-4" noValidate>
        {errors.form ? (
          <p className="col-span-2 text-sm text-rose-600" role="alert">
            {errors.form}
          </p>
        ) : null}
        <TextField
          label="Email"
          name="email"
          type="email"
          error={errors.email}
          data-testid="customer-email"
        />
        <TextField label="Name" name="name" error={errors.name} data-testid="customer-name" />
        <TextField label="Phone" name="phone" error={errors.phone} />
        <TextField label="Address" name="line1" error={errors["address.line1"]} />
        <TextField label="City" name="city" error={errors["address.city"]} />
        <TextField label="Postal code" name="postal_code" error={errors["address.postal_code"]} />
        <TextField
          label="Country"
          name="country"
          placeholder="US"
          hint="2-letter code"
          error={errors["address.country"]}
          data-testid="customer-country"
        />
        {testMode ? (
          <SelectField
            label="Card on file"
            name="payment_method"
            options={CARDS}
            error={errors.payment_method}
            data-testid="customer-card"
          />
        ) : null}
        <div className="col-span-2 flex justify-end gap-2">
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" disabled={mutation.isPending} data-testid="customer-save">
            {mutation.isPending ? "Creating in Stripe…" : "Create customer"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
