import { AppError, type FieldIssue } from "@/lib/errors";

// Postgres text cannot hold NUL, and a lone UTF-16 surrogate has no UTF-8 form:
// either would fail deep in a query as a 500. Input is checked for both once,
// here, before any schema sees it (SPEC §11), so every route answers 400 naming the field.

const MAX_ISSUES = 50;
/** No request of ours nests deeper; Postgres jsonb and JSON walkers are not asked to. */
export const MAX_DEPTH = 64;

function problem(s: string): string | null {
  if (s.includes("\u0000")) return "must not contain NUL characters (\\u0000)";
  if (!s.isWellFormed()) return "must not contain unpaired UTF-16 surrogates (invalid Unicode)";
  return null;
}

/** A key as it can be shown in a field name: NUL and lone surrogates written as \u escapes. */
function printable(key: string): string {
  return key.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what this escapes
    /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Each string in a parsed JSON value, object keys included, that contains NUL or
 * an unpaired surrogate, named by its dotted path as validation errors name
 * fields (`recipients.0.to`); `root` names a bad top-level string. Iterative, so
 * deep nesting cannot overflow the stack.
 */
export function malformedStrings(value: unknown, root = "body"): FieldIssue[] {
  // Paths are kept as parent links and joined only for an issue, so a deep value costs linear time.
  type Step = { key: string; parent: Step | null } | null;
  const fieldOf = (step: Step, last?: string) => {
    const parts = last === undefined ? [] : [last];
    for (let s = step; s; s = s.parent) parts.push(s.key);
    return parts.length ? parts.reverse().join(".") : root;
  };
  const issues: FieldIssue[] = [];
  const stack: { value: unknown; at: Step; depth: number }[] = [{ value, at: null, depth: 0 }];
  while (stack.length && issues.length < MAX_ISSUES) {
    const { value: v, at, depth } = stack.pop() as { value: unknown; at: Step; depth: number };
    if (depth > MAX_DEPTH && v !== null && typeof v === "object") {
      issues.push({ field: fieldOf(at), message: `is nested too deeply (more than ${MAX_DEPTH} levels)` });
      continue;
    }
    if (typeof v === "string") {
      const message = problem(v);
      if (message) issues.push({ field: fieldOf(at), message });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--)
        stack.push({ value: v[i], at: { key: String(i), parent: at }, depth: depth + 1 });
    } else if (v && typeof v === "object") {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i] as [string, unknown];
        const keyProblem = problem(k);
        if (keyProblem) issues.push({ field: fieldOf(at, printable(k)), message: `name ${keyProblem}` });
        else stack.push({ value: child, at: { key: k, parent: at }, depth: depth + 1 });
      }
    }
  }
  return issues;
}

/** The parsed body, unless a string in it is malformed: then 400 validation_failed naming each. */
export function assertWellFormedBody<T>(body: T): T {
  const issues = malformedStrings(body);
  if (issues.length) throw AppError.validation(issues);
  return body;
}

/** Throws 400 validation_failed naming each query parameter whose name or value is malformed. */
export function assertWellFormedQuery(params: URLSearchParams): void {
  const issues: FieldIssue[] = [];
  for (const [k, v] of params) {
    const message = problem(k) ? `name ${problem(k)}` : problem(v);
    if (message && !issues.some((i) => i.field === printable(k)))
      issues.push({ field: printable(k), message });
  }
  if (issues.length) throw AppError.validation(issues.slice(0, MAX_ISSUES));
}
