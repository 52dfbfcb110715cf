"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useId } from "react";
import { CATEGORY_OPTIONS } from "@/components/messages/compose-payload";
import { SelectField, TextField } from "@/components/ui/field";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { composeTemplateQueries, type TemplateItem } from "@/lib/queries/messages";
import { AbTestSection } from "./wizard-ab";
import type { SetField, WizardState } from "./wizard-state";

interface StepProps {
  state: WizardState;
  set: SetField;
  errors: Record<string, string>;
}

const CHANNEL_OPTIONS = [
  { value: "email", label: "Email" },
  { value: "sms", label: "SMS" },
];

/** Variables every campaign message can use besides the contact's own attributes (SPEC §6). */
export const BUILT_IN_VARIABLES = [
  "name",
  "email",
  "phone",
  "timezone",
  "locale",
  "unsubscribe_url",
  "organisation",
] as const;

export function BasicsStep({
  state,
  set,
  errors,
  onChannel,
}: StepProps & { onChannel: (channel: WizardState["channel"]) => void }) {
  const categoryOptions = CATEGORY_OPTIONS.some((c) => c.value === state.category)
    ? CATEGORY_OPTIONS
    : [...CATEGORY_OPTIONS, { value: state.category, label: state.category }];
  return (
    <div className="space-y-4">
      <TextField
        label="Name"
        name="name"
        value={state.name}
        error={errors.name}
        placeholder="Spring sale announcement"
        hint="Only you and your team see it."
        onChange={(e) => set("name", e.target.value)}
        autoComplete="off"
        data-testid="campaign-name"
      />
      <div className="grid grid-cols-2 gap-4">
        <SelectField
          label="Channel"
          name="channel"
          options={CHANNEL_OPTIONS}
          value={state.channel}
          error={errors.channel}
          onChange={(e) => onChannel(e.target.value === "sms" ? "sms" : "email")}
          data-testid="campaign-channel"
        />
        <SelectField
          label="Category"
          name="category"
          options={categoryOptions}
          value={state.category}
          error={errors.category}
          onChange={(e) => set("category", e.target.value)}
          data-testid="campaign-category"
        />
      </div>
      <p className="text-xs text-slate-500">
        Marketing messages honour opt-outs and quiet hours; contacts who opted out are skipped and counted as
        rejected.
      </p>
    </div>
  );
}

export function VariablesNote({ template }: { template: TemplateItem | null }) {
  const own = template?.variables ?? [];
  const attributes = own.filter((v) => !(BUILT_IN_VARIABLES as readonly string[]).includes(v));
  return (
    <div className="rounded-md bg-slate-50 p-3 text-sm text-slate-600" data-testid="template-variables-note">
      {template ? (
        own.length > 0 ? (
          <div className="mb-2">
            <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">This template uses</p>
            <ul className="mt-1 flex flex-wrap gap-1.5" data-testid="template-variables">
              {own.map((v) => (
                <li
                  key={v}
                  className="rounded bg-white px-1.5 py-0.5 font-mono text-xs ring-1 ring-slate-200"
                >
                  {`{{${v}}}`}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <p className="mb-2" data-testid="template-variables">
            This template uses no variables.
          </p>
        )
      ) : null}
      <p>
        Each message is rendered per recipient. Available: the contact&apos;s attributes, plus{" "}
        {BUILT_IN_VARIABLES.map((v, i) => (
          <span key={v}>
            <code className="font-mono text-xs">{v}</code>
            {i < BUILT_IN_VARIABLES.length - 2 ? ", " : i === BUILT_IN_VARIABLES.length - 2 ? " and " : ""}
          </span>
        ))}
        .
      </p>
      {attributes.length > 0 ? (
        <p className="mt-2 text-xs text-amber-800" data-testid="template-attribute-variables">
          {attributes.join(", ")} must be contact attributes; a recipient without{" "}
          {attributes.length === 1 ? "it" : "one of them"} is skipped and counted as rejected
          (missing_variables).
        </p>
      ) : null}
    </div>
  );
}

function TemplateSummary({ template }: { template: TemplateItem }) {
  const content =
    template.channel === "email" ? (template.text ?? template.html ?? "") : (template.body ?? "");
  return (
    <div className="rounded-md p-3 ring-1 ring-slate-200" data-testid="campaign-template-summary">
      <p className="text-sm font-medium text-slate-900">
        {template.name} <span className="text-xs font-normal text-slate-500">v{template.version}</span>
        <span className="ml-2 text-xs font-normal text-slate-500">{template.category}</span>
      </p>
      {template.channel === "email" ? (
        <p className="mt-1 text-sm text-slate-700">
          <span className="text-slate-500">Subject:</span> {template.subject}
        </p>
      ) : null}
      <pre className="mt-2 max-h-40 overflow-auto whitespace-pre-wrap rounded bg-slate-50 p-2 font-mono text-xs text-slate-700">
        {content.length > 1200 ? `${content.slice(0, 1200)}…` : content}
      </pre>
      <Link
        href={`/templates/${template.id}`}
        className="mt-2 inline-block text-xs text-indigo-700 hover:underline"
        target="_blank"
      >
        Open the template ↗
      </Link>
    </div>
  );
}

export function ContentStep({ state, set, errors }: StepProps) {
  const query = useQuery(composeTemplateQueries.list(state.channel));
  const channelName = state.channel === "email" ? "email" : "SMS";
  if (query.isPending) return <LoadingRows rows={2} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  const templates = query.data;
  if (templates.length === 0) {
    return (
      <div className="space-y-4">
        <EmptyState
          title={`No active ${channelName} templates`}
          action={
            <Link href="/templates" className="text-sm font-medium text-indigo-700 hover:underline">
              Create one on the Templates page
            </Link>
          }
        >
          A campaign sends a template. Create one, or go back and pick the other channel.
        </EmptyState>
        {errors.template_id ? (
          <p className="text-xs text-rose-600" data-testid="error-template_id">
            {errors.template_id}
          </p>
        ) : null}
      </div>
    );
  }
  return (
    <div className="space-y-4">
      {state.abEnabled ? null : (
        <SingleTemplate state={state} set={set} errors={errors} templates={templates} />
      )}
      <AbTestSection state={state} set={set} errors={errors} templates={templates} />
    </div>
  );
}

function SingleTemplate({ state, set, errors, templates }: StepProps & { templates: TemplateItem[] }) {
  const hintId = useId();
  const channelName = state.channel === "email" ? "email" : "SMS";
  const template = templates.find((t) => t.id === state.templateId) ?? null;
  return (
    <div className="space-y-4">
      <SelectField
        label={`Template (${channelName})`}
        name="template_id"
        options={[
          { value: "", label: "Choose a template…" },
          ...templates.map((t) => ({ value: t.id, label: `${t.name} (v${t.version})` })),
        ]}
        value={state.templateId}
        error={errors.template_id}
        aria-describedby={hintId}
        onChange={(e) => set("templateId", e.target.value)}
        data-testid="campaign-template"
      />
      <p id={hintId} className="-mt-2 text-xs text-slate-500">
        Only active templates are listed; each recipient gets the version current at launch.
      </p>
      {template ? <TemplateSummary template={template} /> : null}
      <VariablesNote template={template} />
    </div>
  );
}
