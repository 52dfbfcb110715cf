"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { formatCost } from "@/components/messages/format";
import { Button } from "@/components/ui/button";
import { FieldError, SelectField, TextField } from "@/components/ui/field";
import { ErrorState, LoadingRows } from "@/components/ui/states";
import { type AudiencePreviewBody, audienceListQueries, campaignQueries } from "@/lib/queries/campaigns";
import {
  FILTER_OPS,
  type FilterRow,
  payloadIndex,
  previewBody,
  type SetField,
  type WizardState,
} from "./wizard-state";

interface StepProps {
  state: WizardState;
  set: SetField;
  errors: Record<string, string>;
}

/** The value after it has stopped changing for `ms` — typing a filter value asks once, not per key. */
function useSettled(value: string | null, ms: number): string | null {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/** The live audience size (and SMS cost) for the current selection, from POST /campaigns/preview. */
export function useAudiencePreview(state: WizardState) {
  const body = previewBody(state);
  const key = body ? JSON.stringify(body) : null;
  const settledKey = useSettled(key, 250);
  const settled = settledKey ? (JSON.parse(settledKey) as AudiencePreviewBody) : null;
  const query = useQuery(campaignQueries.preview(settled));
  return { query, selected: body !== null, settling: key !== settledKey };
}

export function AudienceCount({ state }: { state: WizardState }) {
  const { query, selected, settling } = useAudiencePreview(state);
  const recipients = state.channel === "email" ? "an email address" : "a phone number";
  if (!selected) {
    return (
      <p className="text-sm text-slate-500" data-testid="audience-empty">
        Choose at least one list or add a filter to see how many contacts it reaches.
      </p>
    );
  }
  if (query.isError) {
    return (
      <p className="text-sm text-rose-700" role="alert" data-testid="audience-error">
        Could not count the audience: {query.error.message}
      </p>
    );
  }
  const data = query.data;
  if (!data) {
    return (
      <p className="text-sm text-slate-500" data-testid="audience-counting">
        Counting…
      </p>
    );
  }
  const stale = settling || query.isPlaceholderData || query.isFetching;
  return (
    <div className={stale ? "opacity-60 transition-opacity" : "transition-opacity"}>
      <p className="text-sm text-slate-700">
        <span
          className="text-2xl font-semibold tabular-nums text-slate-900"
          data-testid="audience-count"
          data-pending={stale}
        >
          {data.count}
        </span>{" "}
        {data.count === 1 ? "contact" : "contacts"} with {recipients}
      </p>
      {state.channel === "sms" ? (
        <p className="mt-1 text-sm text-slate-700" data-testid="audience-cost">
          Estimated cost: <strong>{formatCost(data.estimated_cost, data.currency)}</strong>
          {data.segments_per_message !== null
            ? ` · ${data.segments_per_message} segment${data.segments_per_message === 1 ? "" : "s"} per message`
            : " · pick a template to count segments"}
          {data.currency === null ? " (no enabled SMS provider to price it)" : ""}
        </p>
      ) : null}
      {data.quiet_hours_deferred > 0 ? (
        <p className="mt-1 text-sm text-amber-800" data-testid="audience-deferred">
          {data.quiet_hours_deferred} {data.quiet_hours_deferred === 1 ? "recipient is" : "recipients are"} in
          quiet hours at the send time and will get the message when quiet hours end in their own time zone.
        </p>
      ) : null}
      <p className="mt-1 text-xs text-slate-500">
        Opted-out and suppressed contacts are included here and skipped at launch, counted as rejected.
      </p>
    </div>
  );
}

function ListPicker({ state, set, errors }: StepProps) {
  const query = useQuery(audienceListQueries.list());
  const error =
    errors["audience.list_ids"] ??
    Object.entries(errors).find(([k]) => k.startsWith("audience.list_ids."))?.[1] ??
    errors.audience;
  function toggle(id: string, on: boolean) {
    set("listIds", on ? [...state.listIds, id] : state.listIds.filter((x) => x !== id));
  }
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-700">Lists</legend>
      <p className="text-xs text-slate-500">
        Members of any chosen list; a contact on two lists gets one message.
      </p>
      <div className="mt-2">
        {query.isPending ? (
          <LoadingRows rows={2} />
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => query.refetch()} />
        ) : query.data.data.length === 0 ? (
          <p className="text-sm text-slate-500" data-testid="no-lists">
            No lists yet.{" "}
            <Link href="/lists" className="text-indigo-700 hover:underline">
              Create or import one
            </Link>
            , or use a filter below.
          </p>
        ) : (
          <ul className="max-h-64 divide-y divide-slate-100 overflow-auto rounded-md ring-1 ring-slate-200">
            {query.data.data.map((l) => {
              const id = `campaign-list-${l.id}`;
              return (
                <li key={l.id} className="flex items-center gap-3 px-3 py-2">
                  <input
                    id={id}
                    type="checkbox"
                    className="h-4 w-4 rounded border-slate-300 text-indigo-600"
                    checked={state.listIds.includes(l.id)}
                    onChange={(e) => toggle(l.id, e.target.checked)}
                    data-testid={`campaign-list-${l.name}`}
                  />
                  <label htmlFor={id} className="flex-1 cursor-pointer text-sm text-slate-800">
                    {l.name}
                    {l.description ? (
                      <span className="block text-xs text-slate-500">{l.description}</span>
                    ) : null}
                  </label>
                  <span className="text-xs tabular-nums text-slate-500">
                    {l.member_count.toLocaleString()} member{l.member_count === 1 ? "" : "s"}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      <FieldError name="audience.list_ids" error={error} />
    </fieldset>
  );
}

function FilterRows({ state, set, errors }: StepProps) {
  const rows = state.filters;
  const update = (key: number, patch: Partial<FilterRow>) =>
    set(
      "filters",
      rows.map((r) => (r.key === key ? { ...r, ...patch } : r)),
    );
  const add = () =>
    set("filters", [
      ...rows,
      { key: rows.reduce((m, r) => Math.max(m, r.key), 0) + 1, field: "", op: "eq", value: "" },
    ]);
  const remove = (key: number) =>
    set(
      "filters",
      rows.filter((r) => r.key !== key),
    );
  const general = errors["audience.filter.all"] ?? errors["audience.filter"];
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-700">Attribute filter (optional)</legend>
      <p className="text-xs text-slate-500">
        Contacts matching every condition, on the attributes imported with them (for example plan or city).
        {rows.length > 0 && state.listIds.length === 0
          ? " With no list chosen, it applies to all contacts."
          : ""}
      </p>
      <div className="mt-2 space-y-2">
        {rows.map((r, i) => {
          const at = payloadIndex(rows, r.key);
          const err = (f: string) => (at >= 0 ? errors[`audience.filter.all.${at}.${f}`] : undefined);
          return (
            <div
              key={r.key}
              className="grid grid-cols-[1fr_1fr_1fr_auto] items-start gap-2 rounded-md bg-slate-50 p-2"
              data-testid={`campaign-filter-${i}`}
            >
              <TextField
                label="Attribute"
                name={`audience.filter.all.${i}.field`}
                value={r.field}
                error={err("field")}
                placeholder="plan"
                autoComplete="off"
                onChange={(e) => update(r.key, { field: e.target.value })}
                data-testid={`campaign-filter-field-${i}`}
              />
              <SelectField
                label="Condition"
                name={`audience.filter.all.${i}.op`}
                options={FILTER_OPS}
                value={r.op}
                error={err("op")}
                onChange={(e) =>
                  update(r.key, { op: FILTER_OPS.find((o) => o.value === e.target.value)?.value ?? "eq" })
                }
                data-testid={`campaign-filter-op-${i}`}
              />
              {r.op === "exists" ? (
                <div />
              ) : (
                <TextField
                  label={r.op === "in" ? "Values" : "Value"}
                  name={`audience.filter.all.${i}.value`}
                  value={r.value}
                  error={err("value")}
                  placeholder={r.op === "in" ? "gold, platinum" : "gold"}
                  autoComplete="off"
                  onChange={(e) => update(r.key, { value: e.target.value })}
                  data-testid={`campaign-filter-value-${i}`}
                />
              )}
              <Button
                variant="ghost"
                size="sm"
                className="mt-6"
                aria-label={`Remove condition ${i + 1}`}
                onClick={() => remove(r.key)}
                data-testid={`campaign-filter-remove-${i}`}
              >
                ✕
              </Button>
            </div>
          );
        })}
      </div>
      <FieldError name="audience.filter" error={general} />
      <Button
        variant="secondary"
        size="sm"
        className="mt-2"
        onClick={add}
        disabled={rows.length >= 20}
        data-testid="campaign-add-filter"
      >
        + Add condition
      </Button>
    </fieldset>
  );
}

export function AudienceStep(props: StepProps) {
  return (
    <div className="space-y-6">
      <ListPicker {...props} />
      <FilterRows {...props} />
      <div className="rounded-md border border-indigo-100 bg-indigo-50/50 p-4" aria-live="polite">
        <p className="mb-1 text-xs font-semibold uppercase tracking-wide text-indigo-700">Audience</p>
        <AudienceCount state={props.state} />
      </div>
    </div>
  );
}
