import type { messages, Template } from "@/lib/db/schema";
import { AppError, type FieldIssue } from "@/lib/errors";
import type { ConsentVerdict } from "@/lib/services/consent/opt-outs";
import {
  type QuietHoursVerdict,
  type QuietWindow,
  quietHoursNote,
  quietHoursVerdict,
  recipientZones,
} from "@/lib/services/sms/recipient-zone";
import { countSegments, MAX_SMS_CHARACTERS } from "@/lib/services/sms/segments";
import { missingVariables, renderTemplate } from "@/lib/services/templates/render";
import { decorateEmail } from "@/lib/services/tracking/links";

// The one message composer: the four send verbs (single and bulk, email and
// SMS), resends and the campaign freeze (with its dry run and A/B rollout) build
// a message here — consent of every recipient, template rendering with its
// variables, SMS length and segments, price, schedule and quiet hours, tracking.

export type NewMessage = typeof messages.$inferInsert;
export type Consent = (address: string, category: string) => ConsentVerdict;

/** Where the recipient lives and the organisation's quiet-hours window, for marketing SMS. */
export interface QuietHoursContext {
  /** The recipient contact's own IANA zone, when the number belongs to a contact that has one. */
  contactTimeZone?: string | null;
  window: QuietWindow;
}

/**
 * Marketing SMS waits out the recipient's quiet hours (the organisation's window,
 * default 21:00–08:00, in the recipient's zone: the contact's, else the number's
 * area, else its country): deferred, never dropped. Answers the verdict when the
 * message must wait, null when it may go at `at`.
 */
export function quietHoursDeferral(
  channel: "email" | "sms",
  category: string,
  to: string,
  at: Date,
  quiet: QuietHoursContext,
): QuietHoursVerdict | null {
  if (channel !== "sms" || category !== "marketing") return null;
  const verdict = quietHoursVerdict(at, recipientZones(to, quiet.contactTimeZone), quiet.window);
  return verdict.until ? verdict : null;
}

/** The organisation's quiet-hours window. */
export function quietWindowOf(org: { quietHoursStart: string; quietHoursEnd: string }): QuietWindow {
  return { start: org.quietHoursStart, end: org.quietHoursEnd };
}

/**
 * Why a message cannot be made: a 422 for the API (naming the field), and for a
 * campaign the rejected row's reason (`code`) and its plain detail.
 */
export class MessageRefused extends AppError {
  constructor(
    code: string,
    message: string,
    details: FieldIssue[],
    /** What a campaign's rejected row records after the code: "opted out", "tier, name", "171 characters". */
    readonly detail: string,
  ) {
    super(code, message, details, 422);
  }
}

export interface Composition {
  /** The message's id (tracking links and the unsubscribe URL are signed with it). */
  id: string;
  orgId: string;
  channel: "email" | "sms";
  /** The recipient, already normalised (E.164 or a lower-cased address). */
  to: string;
  cc?: string[] | null;
  bcc?: string[] | null;
  category: string;
  /** The template, or null for inline content. */
  template: Template | null;
  /** Inline content: email subject/html/text or the SMS body. With variables it is a one-off template. */
  inline?: { subject?: string | null; html?: string | null; text?: string | null; body?: string | null };
  /** The template's variables; undefined when none were given. */
  variables?: Record<string, unknown>;
  consent: Consent;
  /** The first provider's per-unit price, for the estimate. */
  price: { cost: number; currency: string } | null;
  /** When it is to go (null: now), before quiet hours. */
  at: Date | null;
  now: Date;
  /** Quiet hours apply to marketing SMS when given. */
  quiet?: QuietHoursContext;
  /** Field names the errors use (API: `to`, `recipients.3.to`, `message` or `template_id`). */
  fields?: { to?: string; content?: string };
}

export interface Composed {
  row: NewMessage;
  /** Why the message waits for the recipient's morning, recorded on its first event. */
  quietHours?: Record<string, unknown>;
}

function checkConsent(c: Composition, address: string, field: string): void {
  const verdict = c.consent(address, c.category);
  if (verdict.ok) return;
  throw new MessageRefused(
    verdict.code,
    `The recipient is ${verdict.reason}`,
    [{ field, message: `is ${verdict.reason}` }],
    verdict.reason,
  );
}

/**
 * Builds one message row, or throws MessageRefused. Consent comes before
 * anything else (rendering, quiet hours, schedule), and every recipient passes
 * it: a cc or bcc is as much a recipient as the to.
 */
export function composeMessage(c: Composition): Composed {
  checkConsent(c, c.to, c.fields?.to ?? "to");
  for (const [list, addresses] of [
    ["cc", c.cc],
    ["bcc", c.bcc],
  ] as const) {
    for (const [i, address] of (addresses ?? []).entries()) checkConsent(c, address, `${list}.${i}`);
  }
  const inline = c.inline ?? {};
  const parts =
    c.channel === "email"
      ? {
          subject: c.template ? c.template.subject : (inline.subject ?? ""),
          html: c.template ? c.template.html : (inline.html ?? null),
          text: c.template ? c.template.text : (inline.text ?? null),
        }
      : { body: c.template ? c.template.body : (inline.body ?? "") };
  // A template is rendered; inline content given with variables is a one-off template, rendered the same way.
  let content: { subject?: string | null; html?: string | null; text?: string | null; body?: string | null } =
    parts;
  if (c.template || c.variables) {
    const variables = c.variables ?? {};
    const missing = missingVariables(parts, variables);
    if (missing.length) {
      throw new MessageRefused(
        "missing_variables",
        `Missing template variables: ${missing.join(", ")}`,
        missing.map((name) => ({ field: `variables.${name}`, message: "is required by the template" })),
        missing.join(", "),
      );
    }
    content = renderTemplate(parts, variables);
  }
  const deferred = c.quiet ? quietHoursDeferral(c.channel, c.category, c.to, c.at ?? c.now, c.quiet) : null;
  const at = deferred?.until ?? c.at;
  const base: NewMessage = {
    id: c.id,
    orgId: c.orgId,
    channel: c.channel,
    to: c.to,
    category: c.category,
    templateId: c.template?.id ?? null,
    templateVersion: c.template?.version ?? null,
    status: at ? "scheduled" : "queued",
    scheduledAt: at,
  };
  const quietHours = deferred ? quietHoursNote(deferred) : undefined;
  if (c.channel === "sms") {
    const body = content.body ?? "";
    const characters = [...body].length;
    if (characters > MAX_SMS_CHARACTERS) {
      const field = c.fields?.content ?? (c.template ? "template_id" : "message");
      throw new MessageRefused(
        "message_too_long",
        `${field} is ${characters} characters; the maximum is ${MAX_SMS_CHARACTERS}`,
        [{ field, message: `must be at most ${MAX_SMS_CHARACTERS} characters (is ${characters})` }],
        `${characters} characters`,
      );
    }
    const { segments, encoding } = countSegments(body);
    return {
      quietHours,
      row: {
        ...base,
        body,
        segments,
        encoding,
        estimatedCost: c.price ? Number((segments * c.price.cost).toFixed(6)) : null,
        currency: c.price?.currency ?? null,
      },
    };
  }
  const tracked = decorateEmail({
    id: c.id,
    orgId: c.orgId,
    to: c.to,
    category: c.category,
    html: content.html ?? null,
    text: content.text ?? null,
  });
  return {
    quietHours,
    row: {
      ...base,
      cc: c.cc ?? null,
      bcc: c.bcc ?? null,
      subject: content.subject ?? "",
      html: tracked.html,
      text: tracked.text,
      headers: Object.keys(tracked.headers).length ? tracked.headers : null,
      estimatedCost: c.price?.cost ?? null,
      currency: c.price?.currency ?? null,
    },
  };
}
