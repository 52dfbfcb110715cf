"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SelectField } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { billingQueries, type CustomerJson } from "@/lib/queries/billing";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import { applyCoupon } from "@/lib/validation/billing";

export function ApplyCouponDialog({
  customer,
  open,
  onClose,
}: {
  customer: CustomerJson;
  open: boolean;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const toast = useToast();
  const coupons = useQuery({ ...billingQueries.coupons(), enabled: open });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: (body: unknown) =>
      api<{ subscriptions: unknown[] }>(`/payments/customers/${customer.id}/apply-coupon`, {
        method: "POST",
        body,
      }),
    onSuccess: (r) => {
      toast(`Coupon applied to ${r.subscriptions.length} subscription(s) and to future ones`);
      qc.invalidateQueries({ queryKey: billingQueries.all });
      close();
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    const parsed = applyCoupon.safeParse({ coupon_id: f.coupon_id });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    setErrors({});
    mutation.mutate(parsed.data);
  }
  function close() {
    setErrors({});
    mutation.reset();
    onClose();
  }
  const options = [
    { value: "", label: "Choose a coupon" },
    ...(coupons.data?.data ?? [])
      .filter((c) => c.valid)
      .map((c) => ({ value: c.id, label: `${c.name ?? c.id} (${c.id})` })),
  ];
  return (
    <Dialog open={open} onClose={close} title="Apply a coupon" testId="apply-coupon-dialog">
      <form onSubmit={submit} className="space-y-4" noValidate>
        {errors.form ? (
          <p className="text-sm text-rose-600" role="alert">
            {errors.form}
          </p>
        ) : null}
        <SelectField
          label="Coupon"
          name="coupon_id"
          options={options}
          error={errors.coupon_id}
          data-testid="apply-coupon-select"
        />
        <p className="text-xs text-slate-500">
          It applies to the customer's live subscriptions now and to subscriptions created for them later.
        </p>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" disabled={mutation.isPending} data-testid="apply-coupon-save">
            Apply
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
