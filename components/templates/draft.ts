import { isAppError } from "@/lib/errors";
import { fieldErrors } from "@/lib/queries/fetcher";
import type {
  TemplateChannel,
  TemplateItem,
  TemplatePatch,
  TemplateVersionItem,
} from "@/lib/queries/templates";
import { renderTemplate, type TemplateParts } from "@/lib/services/templates/render";
import { templateCreate } from "@/lib/validation/templates";

/** The editor's unsaved state: plain strings so every control stays controlled. */
export interface Draft {
  name: string;
  category: string;
  active: boolean;
  subject: string;
  html: string;
  text: string;
  body: string;
}

export function draftFrom(t: TemplateItem): Draft {
  return {
    name: t.name,
    category: t.category,
    active: t.active,
    subject: t.subject ?? "",
    html: t.html ?? "",
    text: t.text ?? "",
    body: t.body ?? "",
  };
}

// An emptied optional body is sent as null, not "": the server compares content to
// decide on a new version, and null → "" would count as a change nobody made.
const orNull = (s: string) => (s === "" ? null : s);

/** Only the parts of the template's channel: the other channel's fields are always null on the server. */
export function contentOf(channel: TemplateChannel, d: Pick<Draft, "subject" | "html" | "text" | "body">) {
  return channel === "email"
    ? { subject: d.subject, html: orNull(d.html), text: orNull(d.text) }
    : { body: d.body };
}

export function partsOf(channel: TemplateChannel, d: Draft): TemplateParts {
  return contentOf(channel, d);
}

export function isDirty(t: TemplateItem, d: Draft): boolean {
  const saved = draftFrom(t);
  return (Object.keys(saved) as (keyof Draft)[]).some((k) => saved[k] !== d[k]);
}

/** Mustache syntax problems, keyed by part, the way the API's 400 would name them. */
export function syntaxErrors(parts: TemplateParts): Record<string, string> {
  try {
    renderTemplate(parts, {});
    return {};
  } catch (e) {
    if (isAppError(e) && Array.isArray(e.details)) return fieldErrors(e.details.map(asIssue));
    return { form: e instanceof Error ? e.message : String(e) };
  }
}

function asIssue(d: { field?: unknown; message?: unknown }) {
  return { path: [String(d.field ?? "form")], message: String(d.message ?? "is invalid") };
}

/**
 * The PATCH body for a draft, or the field errors that the API would answer with.
 * templateCreate carries the per-channel rules (subject required, an email body,
 * an SMS body) that templateUpdate alone does not.
 */
export function validateDraft(
  channel: TemplateChannel,
  d: Draft,
): { ok: true; patch: TemplatePatch } | { ok: false; errors: Record<string, string> } {
  const content = contentOf(channel, d);
  const parsed = templateCreate.safeParse({
    channel,
    name: d.name,
    category: d.category,
    active: d.active,
    ...content,
  });
  const errors = {
    ...syntaxErrors(content),
    ...(parsed.success ? {} : fieldErrors(parsed.error.issues)),
  };
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  const { name, category, active } = parsed.data;
  return { ok: true, patch: { name, category, active, ...content } };
}

/** The PATCH that brings a saved version back as the newest one. */
export function restorePatch(channel: TemplateChannel, v: TemplateVersionItem): TemplatePatch {
  return channel === "email"
    ? { category: v.category, subject: v.subject, html: v.html, text: v.text }
    : { category: v.category, body: v.body };
}
