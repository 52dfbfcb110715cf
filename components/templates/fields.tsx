import { type ReactNode, type TextareaHTMLAttributes, useId } from "react";
import { FieldError } from "@/components/ui/field";

const control =
  "mt-1 block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600";

/** A textarea with the same label, hint and error wiring as components/ui/field's TextField. */
export function TextAreaField({
  label,
  name,
  error,
  hint,
  mono = false,
  children,
  ...props
}: {
  label: string;
  name: string;
  error?: string;
  hint?: ReactNode;
  mono?: boolean;
  /** Shown between the textarea and its error, e.g. a live counter. */
  children?: ReactNode;
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
        aria-invalid={Boolean(error)}
        aria-describedby={error ? `${id}-error` : undefined}
        spellCheck={!mono}
        className={`${control} ${mono ? "font-mono text-xs leading-5" : ""} ${error ? "ring-rose-400" : "ring-slate-300"}`}
        {...props}
      />
      {children}
      {hint && !error ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
      <FieldError id={`${id}-error`} name={name} error={error} />
    </div>
  );
}

// A real, visible checkbox rather than a restyled one: it stays operable by keyboard,
// screen readers and test drivers without any click-interception tricks.
export function ActiveToggle({ checked, onChange }: { checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  return (
    <div className="flex items-start gap-2">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        className="mt-0.5 h-4 w-4 rounded border-slate-300 accent-indigo-600"
        data-testid="template-active"
      />
      <label htmlFor={id} className="text-sm">
        <span className="font-medium text-slate-700">Active</span>
        <span className="block text-xs text-slate-500">
          {checked ? "Can be used to send." : "Sends using this template are refused."}
        </span>
      </label>
    </div>
  );
}
