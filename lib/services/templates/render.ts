import Mustache, { type TemplateSpans } from "mustache";
import { AppError } from "@/lib/errors";

// Mustache semantics (mustache.js): {{x}} is HTML-escaped in the HTML body only;
// subject, text and SMS body are rendered verbatim. Partials are not supported: a
// {{> name}} tag renders as nothing. The global Mustache.escape is never touched.

export interface TemplateParts {
  subject?: string | null;
  html?: string | null;
  text?: string | null;
  body?: string | null;
}

export interface RenderedTemplate {
  subject: string | undefined;
  html: string | undefined;
  text: string | undefined;
  body: string | undefined;
  /** Variables the template needs that `variables` lacks (see missingVariables). */
  missingVariables: string[];
}

export type TemplateSources = TemplateParts | string | readonly (string | null | undefined)[];

type Variables = Record<string, unknown>;

const PART_NAMES = ["subject", "html", "text", "body"] as const;
type PartName = (typeof PART_NAMES)[number];

const verbatim = (value: unknown): string => String(value);

/**
 * mustache.js resolves a dotted name against every context up the stack until the
 * whole path hits; the spec ("Dotted Names - Context Precedence") resolves only the
 * first segment up the stack and the rest inside that value, so {{#a}}{{b.c}}{{/a}}
 * with a.b = {} renders nothing rather than the top-level b.c.
 */
class SpecContext extends Mustache.Context {
  override push(view: unknown): Mustache.Context {
    return new SpecContext(view, this);
  }

  override lookup(name: string): unknown {
    if (name.indexOf(".") <= 0) return super.lookup(name);
    const [first = "", ...rest] = name.split(".");
    let value: unknown = super.lookup(first);
    for (const segment of rest) {
      if (isAbsent(value)) return undefined;
      value = (Object(value) as Record<string, unknown>)[segment];
    }
    return typeof value === "function" ? value.call(this.view) : value;
  }
}

function parseTemplate(source: string, field: string): TemplateSpans {
  try {
    return Mustache.parse(source);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw AppError.validation([{ field, message: `is not a valid template: ${reason}` }]);
  }
}

function sourcesOf(sources: TemplateSources): { field: string; source: string }[] {
  if (typeof sources === "string") return [{ field: "template", source: sources }];
  if (Array.isArray(sources)) {
    return sources.flatMap((source, i) =>
      typeof source === "string" ? [{ field: `template[${i}]`, source }] : [],
    );
  }
  const parts = sources as TemplateParts;
  return PART_NAMES.flatMap((field) => {
    const source = parts[field];
    return typeof source === "string" ? [{ field, source }] : [];
  });
}

function childTokens(token: TemplateSpans[number]): TemplateSpans {
  const children = token[4];
  return Array.isArray(children) ? children : [];
}

function firstSegment(name: string): string {
  return name.split(".")[0] ?? name;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

/** mustache-style lookup of a (dotted) name in one object, own properties only. */
function lookup(view: unknown, name: string): unknown {
  let current: unknown = view;
  for (const segment of name.split(".")) {
    if (isAbsent(current)) return undefined;
    const holder = Object(current) as Record<string, unknown>;
    if (!Object.hasOwn(holder, segment)) return undefined;
    current = holder[segment];
  }
  return current;
}

/** Top-level variable names a template references ({{x}}, {{{x}}}, {{&x}}, {{#x}}, {{^x}}); dotted names give their first segment. */
export function templateVariables(source: string): string[] {
  const names = new Set<string>();
  for (const token of parseTemplate(source, "template")) {
    const [type, name] = token;
    if ((type === "name" || type === "&" || type === "#" || type === "^") && name !== ".") {
      names.add(firstSegment(name));
    }
  }
  return [...names];
}

// Walks what would be rendered with these variables. Names are required at the top
// level and inside sections whose value is a plain truthy scalar (a flag such as
// {{#vip}}…{{/vip}}), where they resolve against the top level too. A section whose
// name is absent is falsy (mustache semantics): it renders nothing and requires
// nothing, so {{#x}}…{{/x}} is optional. Inside a list/object section names resolve
// against the item, so they are not required of `variables`. Inverted sections
// ({{^x}}) and their contents never require anything.
function collectMissing(tokens: TemplateSpans, variables: Variables, missing: Set<string>): void {
  for (const token of tokens) {
    const [type, name] = token;
    if (name === ".") continue;
    if (type === "name" || type === "&") {
      if (isAbsent(lookup(variables, name))) missing.add(missingKey(variables, name));
    } else if (type === "#") {
      const value = lookup(variables, name);
      if (isAbsent(value)) continue;
      const renders = Array.isArray(value) ? value.length > 0 : Boolean(value);
      const isScalar = typeof value !== "object" && typeof value !== "function";
      if (renders && isScalar) collectMissing(childTokens(token), variables, missing);
    }
  }
}

/** "user" when variables.user is absent; the full path "user.name" when user is there but the path is not. */
function missingKey(variables: Variables, name: string): string {
  const first = firstSegment(name);
  return isAbsent(lookup(variables, first)) ? first : name;
}

/** Variables the given templates need that are absent (undefined or null) from `variables`, in order of first use. */
export function missingVariables(sources: TemplateSources, variables: Variables): string[] {
  const missing = new Set<string>();
  for (const { field, source } of sourcesOf(sources)) {
    collectMissing(parseTemplate(source, field), variables, missing);
  }
  return [...missing];
}

/** Filled in by Switchboard for every campaign message (SPEC §6), whatever the contact. */
export const SYSTEM_VARIABLES = ["unsubscribe_url", "organisation"] as const;
/** Filled in from the recipient contact in a campaign (when the contact has them). */
export const CONTACT_VARIABLES = ["name", "email", "phone", "timezone", "locale"] as const;
const BUILT_IN: ReadonlySet<string> = new Set([...SYSTEM_VARIABLES, ...CONTACT_VARIABLES]);

/** Whether a name is one Switchboard fills in itself (system or contact variable). */
export function isBuiltInVariable(name: string): boolean {
  return BUILT_IN.has(firstSegment(name));
}

export interface PreviewMissing {
  /** Needed and not given: a send without them is refused. */
  missing: string[];
  /** Needed, not given, but built in: filled in by a campaign (a single send must pass them). */
  builtIn: string[];
}

/**
 * The editor's view of missingVariables: built-in variables are never reported
 * missing but listed apart. Sends and the campaign freeze keep calling
 * missingVariables with the variables they really have, so a genuine hole is
 * still refused there.
 */
export function previewMissingVariables(sources: TemplateSources, variables: Variables): PreviewMissing {
  const all = missingVariables(sources, variables);
  return {
    missing: all.filter((n) => !isBuiltInVariable(n)),
    builtIn: all.filter(isBuiltInVariable),
  };
}

/** Throws 422 missing_variables with one `variables.<name>` detail per missing variable. */
export function assertNoMissingVariables(sources: TemplateSources, variables: Variables): void {
  const missing = missingVariables(sources, variables);
  if (missing.length === 0) return;
  throw new AppError(
    "missing_variables",
    `Missing template variables: ${missing.join(", ")}`,
    missing.map((name) => ({ field: `variables.${name}`, message: "is required by the template" })),
    422,
  );
}

function renderPart(parts: TemplateParts, part: PartName, variables: Variables): string | undefined {
  const source = parts[part];
  if (typeof source !== "string") return undefined;
  parseTemplate(source, part); // turns a syntax error into a 400 naming the part
  const context = new SpecContext(variables);
  return part === "html"
    ? Mustache.render(source, context)
    : Mustache.render(source, context, undefined, { escape: verbatim });
}

/** Renders each given part with `variables`: html HTML-escaped, subject/text/body verbatim; lists missing variables. */
export function renderTemplate(parts: TemplateParts, variables: Variables): RenderedTemplate {
  return {
    subject: renderPart(parts, "subject", variables),
    html: renderPart(parts, "html", variables),
    text: renderPart(parts, "text", variables),
    body: renderPart(parts, "body", variables),
    missingVariables: missingVariables(parts, variables),
  };
}
