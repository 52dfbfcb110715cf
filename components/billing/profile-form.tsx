"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { ErrorState, LoadingRows } from "@/components/ui/states";
import { useToast } from "@/components/ui/toast";
import { billingQueries, type ProfileJson } from "@/lib/queries/billing";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import { profileUpdate } from "@/lib/validation/billing";

/** The issuer block of our invoice PDFs: legal name, address, email, tax id and a footer. */
export function ProfileForm({ canWrite }: { canWrite: boolean }) {
  const qc = useQueryClient();
  const toast = useToast();
  const query = useQuery(billingQueries.profile());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: (body: unknown) => api<ProfileJson>("/payments/profile", { method: "PUT", body }),
    onSuccess: (p) => {
      qc.setQueryData(billingQueries.profile().queryKey, p);
      toast("Saved: new PDFs print these details");
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });
  if (query.isPending) return <LoadingRows rows={4} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  const p = query.data;
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    const parsed = profileUpdate.safeParse({
      legal_name: f.legal_name,
      email: f.email,
      tax_id: f.tax_id,
      footer: f.footer,
      address: {
        line1: f.line1,
        line2: f.line2,
        city: f.city,
        state: f.state,
        postal_code: f.postal_code,
        country: f.country,
      },
    });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    setErrors({});
    mutation.mutate(parsed.data);
  }
  return (
    <form onSubmit={submit} className="grid max-w-2xl grid-cols-2 gap-4" noValidate>
      <p className="col-span-2 text-sm text-slate-500">
        Printed as the issuer on the invoice PDFs Switchboard makes. Without a legal name, the organisation's
        name is used.
      </p>
      {errors.form ? (
        <p className="col-span-2 text-sm text-rose-600" role="alert">
          {errors.form}
        </p>
      ) : null}
      <fieldset disabled={!canWrite} className="col-span-2 grid grid-cols-2 gap-4">
        <TextField
          label="Legal name"
          name="legal_name"
          defaultValue={p.legal_name ?? ""}
          error={errors.legal_name}
        />
        <TextField
          label="Billing email"
          name="email"
          type="email"
          defaultValue={p.email ?? ""}
          error={errors.email}
        />
        <TextField
          label="Address"
          name="line1"
          defaultValue={p.address?.line1 ?? ""}
          error={errors["address.line1"]}
        />
        <TextField
          label="Address line 2"
          name="line2"
          defaultValue={p.address?.line2 ?? ""}
          error={errors["address.line2"]}
        />
        <TextField
          label="City"
          name="city"
          defaultValue={p.address?.city ?? ""}
          error={errors["address.city"]}
        />
        <TextField
          label="State or region"
          name="state"
          defaultValue={p.address?.state ?? ""}
          error={errors["address.state"]}
        />
        <TextField
          label="Postal code"
          name="postal_code"
          defaultValue={p.address?.postal_code ?? ""}
          error={errors["address.postal_code"]}
        />
        <TextField
          label="Country"
          name="country"
          defaultValue={p.address?.country ?? ""}
          hint="2-letter code"
          error={errors["address.country"]}
        />
        <TextField label="Tax id" name="tax_id" defaultValue={p.tax_id ?? ""} error={errors.tax_id} />
        <TextField label="Footer" name="footer" defaultValue={p.footer ?? ""} error={errors.footer} />
      </fieldset>
      {canWrite ? (
        <div className="col-span-2">
          <Button type="submit" disabled={mutation.isPending} data-testid="profile-save">
            Save
          </Button>
        </div>
      ) : null}
    </form>
  );
}
