"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { FieldError, TextField } from "@/components/ui/field";
import { audienceListQueries } from "@/lib/queries/campaigns";
import { composeTemplateQueries } from "@/lib/queries/messages";
import { ReviewBudget } from "./budget-fit";
import { AudienceCount } from "./wizard-audience";
import {
  audienceOf,
  describeFilter,
  describeSplit,
  localInputToIso,
  type SetField,
  type StepIndex,
  type WizardState,
} from "./wizard-state";

interface StepProps {
  state: WizardState;
  set: SetField;
  errors: Record<string, string>;
}

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export function ScheduleStep({ state, set, errors }: StepProps) {
  const later = state.when === "later";
  return (
    <div className="space-y-4">
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">When</legend>
        <div className="mt-2 flex flex-wrap gap-6">
          <div className="flex items-center gap-2">
            <input
              id="campaign-when-now"
              type="radio"
              name="when"
              value="now"
              checked={!later}
              onChange={() => set("when", "now")}
              className="h-4 w-4 border-slate-300 text-indigo-600"
              data-testid="campaign-when-now"
            />
            <label htmlFor="campaign-when-now" className="text-sm text-slate-800">
              Now, on launch
            </label>
          </div>
          <div className="flex items-center gap-2">
            <input
              id="campaign-when-later"
              type="radio"
              name="when"
              value="later"
              checked={later}
              onChange={() => set("when", "later")}
              className="h-4 w-4 border-slate-300 text-indigo-600"
              data-testid="campaign-when-later"
            />
            <label htmlFor="campaign-when-later" className="text-sm text-slate-800">
              At a date and time
            </label>
          </div>
        </div>
      </fieldset>
      {later ? (
        <div className="space-y-3 rounded-md bg-slate-50 p-3">
          <TextField
            label="Send at"
            name="send_at"
            type="datetime-local"
            value={state.sendAt}
            error={errors.send_at}
            hint={
              state.localTime
                ? "This wall-clock time in each recipient's own time zone (from the contact, else guessed from the phone number, else UTC)."
                : `In your time zone (${browserZone()}).`
            }
            onChange={(e) => set("sendAt", e.target.value)}
            data-testid="campaign-send-at"
          />
          <div>
            <div className="flex items-center gap-2">
              <input
                id="campaign-local-time"
                type="checkbox"
                checked={state.localTime}
                onChange={(e) => set("localTime", e.target.checked)}
                className="h-4 w-4 rounded border-slate-300 text-indigo-600"
                data-testid="campaign-local-time"
              />
              <label htmlFor="campaign-local-time" className="text-sm text-slate-800">
                In each recipient&apos;s time zone
              </label>
            </div>
            <FieldError name="local_time" error={errors.local_time} />
          </div>
        </div>
      ) : null}
      <TextField
        label="Throttle (messages per minute, optional)"
        name="throttle_per_minute"
        type="number"
        inputMode="numeric"
        min={1}
        step={1}
        value={state.throttle}
        error={errors.throttle_per_minute}
        hint="Leave empty to send as fast as your providers allow."
        onChange={(e) => set("throttle", e.target.value)}
        data-testid="campaign-throttle"
      />
    </div>
  );
}

function describeSchedule(state: WizardState): string {
  if (state.when === "now" || !state.sendAt) return "Now, on launch";
  if (state.localTime) {
    const iso = localInputToIso(state.sendAt, true);
    const at = iso ? new Date(iso) : null;
    const wall = at
      ? at.toLocaleString(undefined, { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" })
      : state.sendAt;
    return `${wall} in each recipient's time zone`;
  }
  const iso = localInputToIso(state.sendAt, false);
  return iso
    ? `${new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })} (${browserZone()})`
    : state.sendAt;
}

function Row({
  label,
  step,
  onEdit,
  children,
}: {
  label: string;
  step: StepIndex;
  onEdit?: (s: StepIndex) => void;
  children: ReactNode;
}) {
  return (
    <div className="grid grid-cols-[9rem_1fr_auto] gap-3 px-4 py-2.5">
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="text-sm text-slate-900">{children}</dd>
      <dd>
        {onEdit ? (
          <button
            type="button"
            className="text-xs font-medium text-indigo-700 hover:underline"
            onClick={() => onEdit(step)}
            aria-label={`Edit ${label.toLowerCase()}`}
          >
            Edit
          </button>
        ) : null}
      </dd>
    </div>
  );
}

export function ReviewPanel({ state, onEdit }: { state: WizardState; onEdit: (s: StepIndex) => void }) {
  const templates = useQuery(composeTemplateQueries.list(state.channel));
  const lists = useQuery(audienceListQueries.list());
  const template = templates.data?.find((t) => t.id === state.templateId);
  const chosen = state.listIds.map((id) => lists.data?.data.find((l) => l.id === id)?.name ?? id);
  const filter = audienceOf(state).filter;
  const throttle = state.throttle.trim();
  return (
    <section aria-labelledby="campaign-review-title" data-testid="campaign-review">
      <h3
        id="campaign-review-title"
        className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-500"
      >
        Review
      </h3>
      <dl className="divide-y divide-slate-100 rounded-md ring-1 ring-slate-200">
        <Row label="Name" step={0} onEdit={onEdit}>
          <span data-testid="review-name">{state.name || "—"}</span>
        </Row>
        <Row label="Channel" step={0} onEdit={onEdit}>
          {state.channel === "email" ? "Email" : "SMS"} · {state.category}
        </Row>
        {state.abEnabled ? (
          <Row label="A/B test" step={1} onEdit={onEdit}>
            <div data-testid="review-ab">
              <ul>
                {state.variants.map((v) => {
                  const t = templates.data?.find((x) => x.id === v.templateId);
                  return (
                    <li key={v.key}>
                      {v.name || "?"}: {t ? `${t.name} (v${t.version})` : v.templateId ? "…" : "no template"}
                    </li>
                  );
                })}
              </ul>
              <p data-testid="review-ab-split">{describeSplit(state) ?? "Enter the test share"}</p>
            </div>
          </Row>
        ) : (
          <Row label="Template" step={1} onEdit={onEdit}>
            <span data-testid="review-template">
              {template ? `${template.name} (v${template.version})` : state.templateId ? "…" : "None chosen"}
            </span>
          </Row>
        )}
        <Row label="Audience" step={2} onEdit={onEdit}>
          <div data-testid="review-audience">
            {chosen.length ? (
              <p>Lists: {chosen.join(", ")}</p>
            ) : filter ? (
              <p>All contacts</p>
            ) : (
              <p className="text-rose-700">Nothing chosen yet</p>
            )}
            {filter ? <p>Where {filter.all.map(describeFilter).join(" and ")}</p> : null}
          </div>
        </Row>
        <Row label="Recipients" step={2} onEdit={onEdit}>
          <AudienceCount state={state} />
        </Row>
        <Row label="Cost and budgets" step={2} onEdit={onEdit}>
          <ReviewBudget state={state} />
        </Row>
        <Row label="Schedule" step={3}>
          <span data-testid="review-schedule">{describeSchedule(state)}</span>
        </Row>
        <Row label="Throttle" step={3}>
          {throttle ? `${throttle} messages per minute` : "As fast as providers allow"}
        </Row>
      </dl>
    </section>
  );
}
