import type { Channel } from "@/lib/queries/messages";

export const CATEGORY_OPTIONS = [
  { value: "transactional", label: "Transactional" },
  { value: "marketing", label: "Marketing" },
  { value: "otp", label: "One-time password" },
  { value: "reminder", label: "Reminder" },
];

export interface ComposeState {
  channel: Channel;
  to: string;
  subject: string;
  body: string;
  templateId: string;
  variables: Record<string, string>;
  sendAt: string;
  category: string;
}

export const EMPTY_COMPOSE: ComposeState = {
  channel: "email",
  to: "",
  subject: "",
  body: "",
  templateId: "",
  variables: {},
  sendAt: "",
  category: "transactional",
};

function escapeHtml(s: string): string {
  return s
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** The typed text as one HTML paragraph, so mail clients that prefer HTML show the same words. */
export function textToHtml(text: string): string {
  return `<p>${escapeHtml(text).replace(/\r?\n/g, "<br>")}</p>`;
}

const pad = (n: number) => String(Math.abs(n)).padStart(2, "0");

/**
 * A datetime-local value is wall-clock time without a zone; the API wants an offset, so this
 * attaches the browser's own offset for that instant (which differs either side of a DST change).
 */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${date}T${time}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** Empty variables are left out so the API names them in its missing_variables answer. */
function filledVariables(vars: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== ""));
}

export function buildPayload(s: ComposeState): Record<string, unknown> {
  const common = {
    to: s.to.trim(),
    send_at: localInputToIso(s.sendAt),
    category: s.category || undefined,
  };
  if (s.templateId) {
    return { ...common, template_id: s.templateId, variables: filledVariables(s.variables) };
  }
  if (s.channel === "sms") return { ...common, message: s.body };
  return {
    ...common,
    subject: s.subject,
    text: s.body || undefined,
    html: s.body.trim() ? textToHtml(s.body) : undefined,
  };
}

/** The API and the schemas name the body `html`, `text` or `message`; the form has one box for it. */
export function bodyError(errors: Record<string, string>): string | undefined {
  return errors.message ?? errors.html ?? errors.text ?? errors.body;
}

const SHOWN_FIELDS = [
  "to",
  "subject",
  "message",
  "html",
  "text",
  "body",
  "template_id",
  "send_at",
  "category",
];

/** Errors no input shows (e.g. metadata), listed at the top of the form so none is silently lost. */
export function otherErrors(errors: Record<string, string>, variableNames: string[]): [string, string][] {
  return Object.entries(errors).filter(
    ([k]) =>
      k !== "form" &&
      !SHOWN_FIELDS.includes(k) &&
      !variableNames.some((v) => k === `variables.${v}` || k.startsWith(`variables.${v}.`)),
  );
}
