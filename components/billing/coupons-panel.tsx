"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SelectField, TextField } from "@/components/ui/field";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { billingQueries, type CouponJson } from "@/lib/queries/billing";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import { toMinorUnits } from "@/lib/services/billing/money";
import { couponCreate } from "@/lib/validation/billing";
import { date, formatMoney } from "./format";

const DURATIONS = [
  { value: "once", label: "Once (the next invoice)" },
  { value: "repeating", label: "Repeating for some months" },
  { value: "forever", label: "Forever" },
];

function NewCouponDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const [kind, setKind] = useState<"percent" | "amount">("percent");
  const [duration, setDuration] = useState("once");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: (body: unknown) => api<CouponJson>("/payments/coupons", { method: "POST", body }),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: billingQueries.all });
      close();
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    const currency = (f.currency ?? "").trim();
    const amountOff = kind === "amount" && currency ? toMinorUnits(f.amount_off ?? "", currency) : null;
    const parsed = couponCreate.safeParse({
      name: f.name,
      duration,
      duration_in_months:
        duration === "repeating" && f.duration_in_months ? Number(f.duration_in_months) : undefined,
      ...(kind === "percent"
        ? { percent_off: f.percent_off ? Number(f.percent_off) : undefined }
        : { amount_off: amountOff ?? undefined, currency: currency || undefined }),
    });
    if (!parsed.success) {
      const errs = fieldErrors(parsed.error.issues);
      if (kind === "amount" && errs.percent_off) errs.amount_off = "must be an amount such as 5.00";
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
    <Dialog open={open} onClose={close} title="New coupon" testId="coupon-dialog">
      <form onSubmit={submit} className="space-y-4" noValidate>
        {errors.form ? (
          <p className="text-sm text-rose-600" role="alert">
            {errors.form}
          </p>
        ) : null}
        <TextField
          label="Name"
          name="name"
          placeholder="e.g. Launch 20"
          error={errors.name}
          data-testid="coupon-name"
        />
        <SelectField
          label="Discount"
          name="kind"
          value={kind}
          onChange={(e) => setKind(e.target.value === "amount" ? "amount" : "percent")}
          options={[
            { value: "percent", label: "Percent off" },
            { value: "amount", label: "Amount off" },
          ]}
        />
        {kind === "percent" ? (
          <TextField
            label="Percent off"
            name="percent_off"
            type="number"
            min={1}
            max={100}
            error={errors.percent_off}
            data-testid="coupon-percent"
          />
        ) : (
          <div className="grid grid-cols-2 gap-4">
            <TextField
              label="Amount off"
              name="amount_off"
              inputMode="decimal"
              placeholder="5.00"
              error={errors.amount_off}
            />
            <TextField label="Currency" name="currency" defaultValue="usd" error={errors.currency} />
          </div>
        )}
        <SelectField
          label="Duration"
          name="duration"
          value={duration}
          onChange={(e) => setDuration(e.target.value)}
          options={DURATIONS}
          error={errors.duration}
        />
        {duration === "repeating" ? (
          <TextField
            label="Months"
            name="duration_in_months"
            type="number"
            min={1}
            error={errors.duration_in_months}
          />
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" disabled={mutation.isPending} data-testid="coupon-save">
            Create coupon
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

export function CouponsPanel({ canWrite }: { canWrite: boolean }) {
  const query = useQuery(billingQueries.coupons());
  const [creating, setCreating] = useState(false);
  const rows = query.data?.data ?? [];
  return (
    <div>
      <div className="mb-4 flex items-center justify-between">
        <p className="text-sm text-slate-500">
          Apply a coupon from a customer's page; it also applies to their future subscriptions.
        </p>
        {canWrite ? (
          <Button onClick={() => setCreating(true)} data-testid="new-coupon">
            New coupon
          </Button>
        ) : null}
      </div>
      {query.isPending ? (
        <LoadingRows rows={3} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No coupons yet" />
      ) : (
        <Table head={["Coupon", "Off", "Duration", "Redeemed", "Created"]} testId="coupons-table">
          {rows.map((c) => (
            <tr key={c.id} data-testid="coupon-row">
              <Td>
                <p className="font-medium text-slate-900">{c.name ?? c.id}</p>
                <p className="font-mono text-xs text-slate-400">
                  {c.id}
                  {c.valid ? "" : " · no longer valid"}
                </p>
              </Td>
              <Td>
                {c.percent_off !== null
                  ? `${c.percent_off}%`
                  : formatMoney(c.amount_off ?? 0, c.currency ?? "usd")}
              </Td>
              <Td>{c.duration === "repeating" ? `${c.duration_in_months} months` : c.duration}</Td>
              <Td className="tabular-nums">
                {c.times_redeemed}
                {c.max_redemptions ? ` / ${c.max_redemptions}` : ""}
              </Td>
              <Td className="text-xs">{date(c.created_at)}</Td>
            </tr>
          ))}
        </Table>
      )}
      {canWrite ? <NewCouponDialog open={creating} onClose={() => setCreating(false)} /> : null}
    </div>
  );
}
