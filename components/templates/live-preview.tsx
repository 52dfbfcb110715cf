"use client";

import { useId } from "react";
import type { TemplateChannel } from "@/lib/queries/templates";
import { countSegments } from "@/lib/services/sms/segments";
import {
  type PreviewMissing,
  previewMissingVariables,
  type RenderedTemplate,
  renderTemplate,
  type SYSTEM_VARIABLES,
  type TemplateParts,
} from "@/lib/services/templates/render";

/** What the preview shows for a system variable left blank (a real message gets the real value). */
const SYSTEM_SAMPLES: Record<(typeof SYSTEM_VARIABLES)[number], string> = {
  unsubscribe_url: "https://unsubscribe.example/preview",
  organisation: "Your organisation",
};

/**
 * Values typed in the form are strings; one that starts like JSON is parsed so that
 * sections over lists or objects ({{#items}}…{{/items}}, {{user.name}}) can be tried.
 * An empty input counts as missing, the way an absent variable would at send time.
 */
function toVariables(values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(values)) {
    if (raw === "") continue;
    const trimmed = raw.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        out[name] = JSON.parse(trimmed);
        continue;
      } catch {
        // not JSON after all: use the text as typed
      }
    }
    out[name] = raw;
  }
  return out;
}

function render(
  parts: TemplateParts,
  variables: Record<string, unknown>,
): { ok: true; result: RenderedTemplate; missing: PreviewMissing } | { ok: false; message: string } {
  try {
    // Missing-ness is judged on what was typed; the render shows samples for system variables.
    const missing = previewMissingVariables(parts, variables);
    return { ok: true, result: renderTemplate(parts, { ...SYSTEM_SAMPLES, ...variables }), missing };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

export function LivePreview({
  channel,
  parts,
  variableNames,
  values,
  onValueChange,
}: {
  channel: TemplateChannel;
  parts: TemplateParts;
  variableNames: string[];
  values: Record<string, string>;
  onValueChange: (name: string, value: string) => void;
}) {
  const rendered = render(parts, toVariables(values));

  return (
    <section
      className="space-y-4 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
      aria-labelledby="preview-heading"
      data-testid="template-preview"
    >
      <div>
        <h2 id="preview-heading" className="text-sm font-semibold text-slate-900">
          Live preview
        </h2>
        <p className="text-xs text-slate-500">Renders your unsaved edits with these sample values.</p>
      </div>

      {variableNames.length > 0 ? (
        <fieldset className="grid gap-3 sm:grid-cols-2">
          <legend className="sr-only">Variables</legend>
          {variableNames.map((name) => (
            <VariableInput
              key={name}
              name={name}
              value={values[name] ?? ""}
              onChange={(v) => onValueChange(name, v)}
            />
          ))}
        </fieldset>
      ) : (
        <p className="text-xs text-slate-500" data-testid="no-variables">
          No variables yet. Add one with {"{{name}}"}.
        </p>
      )}

      {!rendered.ok ? (
        <p
          className="rounded-md bg-rose-50 px-3 py-2 text-xs text-rose-800 ring-1 ring-rose-200"
          role="alert"
          data-testid="preview-error"
        >
          {rendered.message}
        </p>
      ) : (
        <>
          {rendered.missing.missing.length > 0 ? (
            <p
              className="rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900 ring-1 ring-amber-200"
              data-testid="missing-variables"
            >
              Missing: {rendered.missing.missing.join(", ")} — a send without{" "}
              {rendered.missing.missing.length === 1 ? "it" : "them"} is refused.
            </p>
          ) : null}
          {rendered.missing.builtIn.length > 0 ? (
            <p
              className="rounded-md bg-slate-50 px-3 py-2 text-xs text-slate-600"
              data-testid="built-in-variables"
            >
              Filled in by Switchboard: {rendered.missing.builtIn.join(", ")} — a campaign sets{" "}
              {rendered.missing.builtIn.length === 1 ? "it" : "them"} for each contact; a single send through
              the API passes {rendered.missing.builtIn.length === 1 ? "it" : "them"} in variables.
            </p>
          ) : null}
          {channel === "email" ? (
            <EmailPreview result={rendered.result} />
          ) : (
            <SmsPreview result={rendered.result} />
          )}
        </>
      )}
    </section>
  );
}

function VariableInput({
  name,
  value,
  onChange,
}: {
  name: string;
  value: string;
  onChange: (v: string) => void;
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block font-mono text-xs font-medium text-slate-600">
        {name}
      </label>
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={`Sample ${name}`}
        className="mt-1 block w-full rounded-md border-0 px-2.5 py-1.5 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600"
        data-testid={`preview-var-${name}`}
      />
    </div>
  );
}

function EmailPreview({ result }: { result: RenderedTemplate }) {
  return (
    <div className="space-y-3">
      <div className="rounded-md bg-slate-50 px-3 py-2 text-sm ring-1 ring-slate-200">
        <span className="text-xs text-slate-500">Subject </span>
        <span className="font-medium text-slate-900" data-testid="preview-subject">
          {result.subject || <em className="font-normal text-slate-400">(no subject)</em>}
        </span>
      </div>
      {result.html ? (
        // sandbox="" runs no script, submits no form and opens nothing: the HTML is someone's draft.
        <iframe
          title="HTML preview"
          sandbox=""
          srcDoc={result.html}
          className="h-80 w-full rounded-md bg-white ring-1 ring-slate-200"
          data-testid="preview-html"
        />
      ) : (
        <p className="text-xs text-slate-500">No HTML body: mail clients show the text body.</p>
      )}
      {result.text ? (
        <div>
          <p className="mb-1 text-xs font-medium text-slate-500">Text body</p>
          <pre
            className="max-h-60 overflow-auto whitespace-pre-wrap rounded-md bg-slate-50 p-3 text-xs text-slate-800 ring-1 ring-slate-200"
            data-testid="preview-text"
          >
            {result.text}
          </pre>
        </div>
      ) : null}
    </div>
  );
}

function SmsPreview({ result }: { result: RenderedTemplate }) {
  const body = result.body ?? "";
  const { encoding, segments, characters } = countSegments(body);
  return (
    <div className="mx-auto w-full max-w-xs rounded-[2rem] bg-slate-900 p-3 shadow-lg">
      <div className="min-h-64 rounded-[1.5rem] bg-slate-100 px-3 py-5">
        <div
          className="ml-auto w-fit max-w-[85%] whitespace-pre-wrap break-words rounded-2xl rounded-br-sm bg-indigo-600 px-3 py-2 text-sm text-white"
          data-testid="preview-sms"
        >
          {body || <em className="text-indigo-200">(empty)</em>}
        </div>
        <p className="mt-2 text-right text-[11px] text-slate-500" data-testid="preview-segments">
          As sent: {encoding} · {segments} segment{segments === 1 ? "" : "s"} · {characters} characters
        </p>
      </div>
    </div>
  );
}
