"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SelectField, TextField } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { consentQueries } from "@/lib/queries/consent";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import { optOutBody } from "@/lib/validation/consent";

export function AddOptOutDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const qc = useQueryClient();
  const toast = useToast();
  const mutation = useMutation({
    mutationFn: (body: unknown) => api<{ address: string }>("/opt-outs", { method: "POST", body }),
    onSuccess: (o) => {
      toast(`${o.address} opted out`);
      qc.invalidateQueries({ queryKey: consentQueries.all });
      close();
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });
  function close() {
    setErrors({});
    onClose();
  }
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const raw = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    const data = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ""));
    const parsed = optOutBody.safeParse(data);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    setErrors({});
    mutation.mutate(parsed.data);
  }
  return (
    <Dialog open={open} onClose={close} title="Add opt-out" testId="add-opt-out-dialog">
      <form onSubmit={submit} className="space-y-4" noValidate>
        {errors.form ? <p className="text-sm text-rose-600">{errors.form}</p> : null}
        <SelectField
          label="Channel"
          name="channel"
          defaultValue="sms"
          options={[
            { value: "sms", label: "SMS" },
            { value: "email", label: "Email" },
          ]}
          error={errors.channel}
          data-testid="opt-out-channel"
        />
        <TextField
          label="Phone number or email"
          name="address"
          error={errors.address}
          data-testid="opt-out-address"
        />
        <TextField
          label="Category (optional)"
          name="category"
          placeholder="Leave empty to opt out of everything"
          hint="e.g. marketing. Transactional and OTP messages are only stopped by a full opt-out."
          error={errors.category}
          data-testid="opt-out-category"
        />
        <TextField label="Reason (optional)" name="reason" error={errors.reason} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" disabled={mutation.isPending} data-testid="opt-out-submit">
            {mutation.isPending ? "Saving…" : "Opt out"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
