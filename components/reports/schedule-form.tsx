"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { REPORT_FORMATS, REPORT_FREQUENCIES, REPORT_TYPES, type ReportType } from "@/lib/format/report-kinds";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import { reportQueries } from "@/lib/queries/reports";
import { type ScheduleJson, scheduleCreate } from "@/lib/validation/reports";
import { FORMAT_LABELS, TYPE_HINTS, TYPE_LABELS } from "./labels";

const FREQUENCY_LABELS = { daily: "Every day", weekly: "Every week", monthly: "Every month" } as const;

/** Create or edit a scheduled report; errors appear beside their fields, in plain words. */
export function ScheduleForm({ initial, onDone }: { initial?: ScheduleJson; onDone: () => void }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [type, setType] = useState<ReportType>(initial?.report_type ?? "summary");
  const client = useQueryClient();
  const toast = useToast();
  const mutation = useMutation({
    mutationFn: (body: unknown) =>
      initial
        ? api<ScheduleJson>(`/reports/schedules/${initial.id}`, { method: "PATCH", body })
        : api<ScheduleJson>("/reports/schedules", { method: "POST", body }),
    onSuccess: () => {
      toast(initial ? "Schedule saved" : "Schedule created");
      void client.invalidateQueries({ queryKey: reportQueries.all });
      onDone();
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    const recipients = (f.recipients ?? "")
      .split(/[\s,;]+/)
      .map((r) => r.trim())
      .filter(Boolean);
    const body = {
      report_type: f.report_type,
      format: f.format,
      frequency: f.frequency,
      recipients,
      params: {
        days: f.days?.trim() ? Number(f.days) : Number.NaN,
        ...(f.report_type === "campaign" && f.campaign_id?.trim()
          ? { campaign_id: f.campaign_id.trim() }
          : {}),
      },
      enabled: f.enabled === "on",
    };
    const parsed = scheduleCreate.safeParse(body);
    if (!parsed.success) {
      const found = fieldErrors(parsed.error.issues);
      // One message for the list, whichever address was wrong.
      const bad = Object.keys(found).find((k) => k.startsWith("recipients."));
      if (bad) found.recipients = `${recipients[Number(bad.split(".")[1])]} is not an email address`;
      return setErrors(found);
    }
    setErrors({});
    mutation.mutate(parsed.data);
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4" data-testid="schedule-form">
      {errors.form ? (
        <p className="text-sm text-rose-600" role="alert">
          {errors.form}
        </p>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <SelectField
            label="Report"
            name="report_type"
            value={type}
            onChange={(e) => setType(e.target.value as ReportType)}
            options={REPORT_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
            error={errors.report_type}
            data-testid="schedule-type"
          />
          <p className="mt-1 text-xs text-slate-500">{TYPE_HINTS[type]}</p>
        </div>
        <SelectField
          label="Format"
          name="format"
          defaultValue={initial?.format ?? "pdf"}
          options={REPORT_FORMATS.map((f) => ({ value: f, label: FORMAT_LABELS[f] }))}
          error={errors.format}
          data-testid="schedule-format"
        />
        <SelectField
          label="How often"
          name="frequency"
          defaultValue={initial?.frequency ?? "weekly"}
          options={REPORT_FREQUENCIES.map((f) => ({ value: f, label: FREQUENCY_LABELS[f] }))}
          error={errors.frequency}
          data-testid="schedule-frequency"
        />
        <TextField
          label="Days covered by each report"
          name="days"
          inputMode="numeric"
          defaultValue={String(initial?.params.days ?? 7)}
          error={errors["params.days"] ? `Days ${errors["params.days"]}` : undefined}
          data-testid="schedule-days"
        />
      </div>
      {type === "campaign" ? (
        <TextField
          label="Campaign id (optional)"
          name="campaign_id"
          defaultValue={initial?.params.campaign_id ?? ""}
          error={errors["params.campaign_id"]}
          data-testid="schedule-campaign"
        />
      ) : null}
      <div>
        <label htmlFor="schedule-recipients" className="block text-sm font-medium text-slate-700">
          Email it to
        </label>
        <textarea
          id="schedule-recipients"
          name="recipients"
          rows={2}
          defaultValue={initial?.recipients.join(", ") ?? ""}
          placeholder="ceo@example.com, finance@example.com"
          aria-invalid={Boolean(errors.recipients)}
          className={`mt-1 block w-full rounded-md border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-inset ${errors.recipients ? "ring-rose-400" : "ring-slate-300"}`}
          data-testid="schedule-recipients"
        />
        {errors.recipients ? (
          <p className="mt-1 text-xs text-rose-600" data-testid="error-recipients">
            {errors.recipients.startsWith("must") ? `The list ${errors.recipients}` : errors.recipients}
          </p>
        ) : (
          <p className="mt-1 text-xs text-slate-500">
            Separate addresses with commas. Sent through your own email providers; files over 5 MB arrive as a
            download link valid for 7 days.
          </p>
        )}
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" name="enabled" defaultChecked={initial?.enabled ?? true} /> Enabled
      </label>
      <div className="flex gap-2">
        <Button type="submit" disabled={mutation.isPending} data-testid="schedule-save">
          {mutation.isPending ? "Saving…" : initial ? "Save schedule" : "Create schedule"}
        </Button>
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
