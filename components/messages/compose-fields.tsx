"use client";

import { useQuery } from "@tanstack/react-query";
import { type ReactNode, type TextareaHTMLAttributes, useId } from "react";
import { FieldError, SelectField, TextField } from "@/components/ui/field";
import { type Channel, composeTemplateQueries, type TemplateItem } from "@/lib/queries/messages";
import { countSegments, MAX_SMS_CHARACTERS, nonGsmCharacters } from "@/lib/services/sms/segments";

export function TextAreaField({
  label,
  name,
  error,
  hint,
  ...props
}: {
  label: string;
  name: string;
  error?: string;
  hint?: ReactNode;
} & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        rows={5}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? `${id}-error` : undefined}
        className={`mt-1 block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 ${
          error ? "ring-rose-400" : "ring-slate-300"
        }`}
        {...props}
      />
      {/* Unlike TextField, the hint stays beside an error: the SMS segment counter must stay live. */}
      {hint ? <div className="mt-1 text-xs text-slate-500">{hint}</div> : null}
      <FieldError id={`${id}-error`} name={name} error={error} />
    </div>
  );
}

/** Counted in the browser with the same library the server bills by, so the number shown is the number charged. */
export function SegmentCounter({ text }: { text: string }) {
  const { encoding, segments, characters } = countSegments(text);
  const forcing = encoding === "UCS-2" ? nonGsmCharacters(text).map((c) => c.char) : [];
  const tooLong = characters > MAX_SMS_CHARACTERS;
  return (
    <span data-testid="compose-segments" data-encoding={encoding} data-segments={segments}>
      <span className={tooLong ? "text-rose-600" : undefined}>
        {encoding} · {segments} segment{segments === 1 ? "" : "s"} · {characters}/{MAX_SMS_CHARACTERS}{" "}
        characters
      </span>
      {forcing.length > 0 ? (
        <span className="block text-amber-700">
          UCS-2 because of {[...new Set(forcing)].slice(0, 5).join(" ")} — 70 characters per segment instead
          of 160.
        </span>
      ) : null}
    </span>
  );
}

export function TemplatePicker({
  channel,
  value,
  error,
  onChange,
}: {
  channel: Channel;
  value: string;
  error?: string;
  onChange: (template: TemplateItem | null) => void;
}) {
  const query = useQuery(composeTemplateQueries.list(channel));
  const templates = query.data ?? [];
  const options = [
    {
      value: "",
      label: query.isPending ? "Loading templates…" : "No template — write the message here",
    },
    ...templates.map((t) => ({ value: t.id, label: `${t.name} (v${t.version})` })),
  ];
  return (
    <SelectField
      label="Template (optional)"
      name="template_id"
      options={options}
      value={value}
      error={error ?? (query.isError ? `Templates could not be loaded: ${query.error.message}` : undefined)}
      onChange={(e) => onChange(templates.find((t) => t.id === e.target.value) ?? null)}
      data-testid="compose-template"
    />
  );
}

export function VariableInputs({
  names,
  values,
  errors,
  onChange,
}: {
  names: string[];
  values: Record<string, string>;
  errors: Record<string, string>;
  onChange: (name: string, value: string) => void;
}) {
  if (names.length === 0) {
    return <p className="text-xs text-slate-500">This template uses no variables.</p>;
  }
  return (
    <fieldset className="space-y-3 rounded-md bg-slate-50 p-3">
      <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Variables</legend>
      {names.map((v) => (
        <TextField
          key={v}
          label={v}
          name={`variables.${v}`}
          value={values[v] ?? ""}
          error={errors[`variables.${v}`]}
          onChange={(e) => onChange(v, e.target.value)}
          data-testid={`compose-var-${v}`}
        />
      ))}
    </fieldset>
  );
}
