"use client";

import { type FormEvent, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { REPORT_FORMATS, REPORT_TYPES, type ReportFormat, type ReportType } from "@/lib/format/report-kinds";
import { bytesLabel, FORMAT_LABELS, TYPE_HINTS, TYPE_LABELS } from "./labels";

type State =
  | { kind: "idle" }
  | { kind: "downloading"; received: number }
  | { kind: "done"; filename: string; size: number }
  | { kind: "error"; message: string };

const RANGES = [
  { value: "7", label: "Last 7 days" },
  { value: "30", label: "Last 30 days" },
  { value: "90", label: "Last 90 days" },
  { value: "custom", label: "Between two dates" },
];

/** Pick a report, its range and format, and download it with the bytes received shown as they arrive. */
export function ReportDownload() {
  const [type, setType] = useState<ReportType>("summary");
  const [range, setRange] = useState("30");
  const [state, setState] = useState<State>({ kind: "idle" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const abort = useRef<AbortController | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    const params = new URLSearchParams({ format: form.format ?? "pdf" });
    const found: Record<string, string> = {};
    if (range === "custom") {
      if (!form.since) found.since = "Choose the first day.";
      if (!form.until) found.until = "Choose the last day.";
      if (form.since && form.until && form.since > form.until)
        found.until = "The last day must not be before the first.";
      if (form.since) params.set("since", form.since);
      // The last day is included: the range ends at the start of the next day.
      if (form.until)
        params.set("until", new Date(Date.parse(`${form.until}T00:00:00Z`) + 86400000).toISOString());
    } else {
      params.set("days", range);
    }
    if (type === "campaign" && form.campaign_id?.trim()) params.set("campaign_id", form.campaign_id.trim());
    setErrors(found);
    if (Object.keys(found).length) return;

    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setState({ kind: "downloading", received: 0 });
    try {
      const res = await fetch(`/api/v1/reports/${type}?${params}`, {
        credentials: "same-origin",
        signal: controller.signal,
      });
      if (!res.ok) {
        const body = await res.json().catch(() => null);
        const details = (body?.error?.details ?? []) as { field: string; message: string }[];
        if (details.length) setErrors(Object.fromEntries(details.map((d) => [d.field, d.message])));
        throw new Error(body?.error?.message ?? `The report could not be made (${res.status}).`);
      }
      const reader = res.body?.getReader();
      const chunks: Uint8Array[] = [];
      let received = 0;
      if (reader) {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(value);
          received += value.byteLength;
          setState({ kind: "downloading", received });
        }
      }
      const disposition = res.headers.get("content-disposition") ?? "";
      const filename =
        /filename="([^"]+)"/.exec(disposition)?.[1] ?? `${type}-report.${form.format ?? "pdf"}`;
      const blob = new Blob(chunks as BlobPart[], { type: res.headers.get("content-type") ?? undefined });
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = filename;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ kind: "done", filename, size: received });
    } catch (err) {
      if (controller.signal.aborted) return setState({ kind: "idle" });
      setState({ kind: "error", message: err instanceof Error ? err.message : "The download failed." });
    }
  }

  return (
    <form
      onSubmit={submit}
      noValidate
      className="space-y-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-6"
      data-testid="report-download"
    >
      <div className="grid gap-4 sm:grid-cols-3">
        <div>
          <SelectField
            label="Report"
            name="type"
            value={type}
            onChange={(e) => setType(e.target.value as ReportType)}
            options={REPORT_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
            data-testid="report-type"
          />
          <p className="mt-1 text-xs text-slate-500">{TYPE_HINTS[type]}</p>
        </div>
        <SelectField
          label="Range"
          name="range"
          value={range}
          onChange={(e) => setRange(e.target.value)}
          options={RANGES}
          data-testid="report-range"
        />
        <SelectField
          label="Format"
          name="format"
          defaultValue="pdf"
          options={REPORT_FORMATS.map((f: ReportFormat) => ({ value: f, label: FORMAT_LABELS[f] }))}
          data-testid="report-format"
        />
      </div>
      {range === "custom" ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="First day"
            name="since"
            type="date"
            error={errors.since}
            data-testid="report-since"
          />
          <TextField
            label="Last day"
            name="until"
            type="date"
            error={errors.until}
            data-testid="report-until"
          />
        </div>
      ) : null}
      {type === "campaign" ? (
        <TextField
          label="Campaign id (optional)"
          name="campaign_id"
          placeholder="Leave empty for every campaign"
          hint="Paste a campaign's id (from its page) to list each of its messages."
          error={errors.campaign_id}
          data-testid="report-campaign"
        />
      ) : null}
      {errors.days || errors.format ? (
        <p className="text-sm text-rose-600">{errors.days ?? errors.format}</p>
      ) : null}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={state.kind === "downloading"} data-testid="report-download-button">
          {state.kind === "downloading" ? "Preparing…" : "Download"}
        </Button>
        {state.kind === "downloading" ? (
          <>
            <span className="text-sm text-slate-600" role="status" data-testid="report-progress">
              {bytesLabel(state.received)} received
            </span>
            <Button variant="ghost" size="sm" onClick={() => abort.current?.abort()}>
              Cancel
            </Button>
          </>
        ) : null}
        {state.kind === "done" ? (
          <span className="text-sm text-emerald-700" role="status" data-testid="report-done">
            Downloaded {state.filename} ({bytesLabel(state.size)}).
          </span>
        ) : null}
        {state.kind === "error" ? (
          <span className="text-sm text-rose-600" role="alert" data-testid="report-error">
            {state.message}
          </span>
        ) : null}
      </div>
    </form>
  );
}
