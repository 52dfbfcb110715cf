"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import { settingsUpdate } from "@/lib/validation/settings";

interface Settings {
  default_region: string;
  sms_stop_reply: string | null;
  sms_start_reply: string | null;
  sms_help_reply: string | null;
  quiet_hours_start: string;
  quiet_hours_end: string;
  defaults: { sms_stop_reply: string; sms_start_reply: string; sms_help_reply: string };
}

const FIELDS = [
  { key: "sms_stop_reply", label: "Reply to STOP, UNSUBSCRIBE, CANCEL, END, QUIT, OPTOUT, REVOKE, STOPALL" },
  { key: "sms_start_reply", label: "Reply to START, YES, UNSTOP" },
  { key: "sms_help_reply", label: "Reply to HELP, INFO" },
] as const;

export function KeywordRepliesForm({ initial }: { initial: Settings }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const toast = useToast();
  const mutation = useMutation({
    mutationFn: (body: unknown) => api<Settings>("/settings", { method: "PATCH", body }),
    onSuccess: () => toast("Messaging settings saved"),
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const raw = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    // An emptied reply goes back to the built-in wording.
    const body = Object.fromEntries(
      Object.entries(raw).map(([k, v]) => [k, k.endsWith("_reply") && v.trim() === "" ? null : v]),
    );
    const parsed = settingsUpdate.safeParse(body);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    setErrors({});
    mutation.mutate(parsed.data);
  }
  return (
    <form onSubmit={submit} className="space-y-4" noValidate data-testid="messaging-settings">
      {errors.form ? <p className="text-sm text-rose-600">{errors.form}</p> : null}
      <TextField
        label="Default country for national phone numbers"
        name="default_region"
        defaultValue={initial.default_region}
        hint="Two letters, e.g. US, GB, KE. Numbers written without +country code are read in this country."
        error={errors.default_region}
      />
      <fieldset className="rounded-lg border border-slate-200 p-4" data-testid="quiet-hours">
        <legend className="px-1 text-sm font-medium text-slate-900">Quiet hours for marketing SMS</legend>
        <p className="mb-3 text-sm text-slate-500">
          Marketing SMS that would arrive in this window waits until it ends, in each recipient's own time
          zone: the contact's time zone, else the zone of the number's area code, else its country.
          Transactional and OTP messages are never held. The same start and end turn quiet hours off.
        </p>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="From (local time)"
            name="quiet_hours_start"
            type="time"
            defaultValue={initial.quiet_hours_start}
            error={errors.quiet_hours_start}
            data-testid="setting-quiet_hours_start"
          />
          <TextField
            label="Until (local time)"
            name="quiet_hours_end"
            type="time"
            defaultValue={initial.quiet_hours_end}
            error={errors.quiet_hours_end}
            data-testid="setting-quiet_hours_end"
          />
        </div>
      </fieldset>
      {FIELDS.map((f) => (
        <TextField
          key={f.key}
          label={f.label}
          name={f.key}
          defaultValue={initial[f.key] ?? ""}
          placeholder={initial.defaults[f.key]}
          hint="Leave empty for the built-in wording shown. {{organisation}} is replaced by your organisation's name."
          error={errors[f.key]}
          data-testid={`setting-${f.key}`}
        />
      ))}
      <Button type="submit" disabled={mutation.isPending} data-testid="save-messaging-settings">
        {mutation.isPending ? "Saving…" : "Save"}
      </Button>
    </form>
  );
}
