"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import { settingsUpdate } from "@/lib/validation/settings";

/** The organisation's message-body retention (retention_days); empty keeps bodies for ever. */
export function RetentionForm({ initial }: { initial: number | null }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const toast = useToast();
  const mutation = useMutation({
    mutationFn: (body: unknown) => api("/settings", { method: "PATCH", body }),
    onSuccess: () => toast("Retention saved"),
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const raw = String(new FormData(e.currentTarget).get("retention_days") ?? "").trim();
    const value = raw === "" ? null : Number(raw);
    if (value !== null && Number.isNaN(value))
      return setErrors({ retention_days: "must be a whole number of days" });
    const parsed = settingsUpdate.safeParse({ retention_days: value });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    setErrors({});
    mutation.mutate(parsed.data);
  }
  return (
    <form onSubmit={submit} className="space-y-4" noValidate data-testid="retention-settings">
      {errors.form ? <p className="text-sm text-rose-600">{errors.form}</p> : null}
      <TextField
        label="Keep message bodies for (days)"
        name="retention_days"
        inputMode="numeric"
        defaultValue={initial ?? ""}
        placeholder="Keep for ever"
        hint="Every night, the subject lines stay but the text, HTML, attachments and template variables of older messages are deleted. Counts, statuses and costs stay, so reports still add up. Leave empty to keep everything."
        error={errors.retention_days}
        data-testid="setting-retention_days"
      />
      <Button type="submit" disabled={mutation.isPending}>
        {mutation.isPending ? "Saving…" : "Save retention"}
      </Button>
    </form>
  );
}
