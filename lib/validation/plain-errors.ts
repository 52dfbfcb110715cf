import { z } from "zod";

// zod's default messages speak validator ("Invalid input: expected string, received
// undefined"). Every form and API error shows a field name beside its message, so the
// message reads as the rest of a sentence about that field: "is required", "must be a
// number". A schema's own message still wins over these; this only replaces defaults.
// Imported for its effect by the API's operations and the browser's root provider.

type Issue = Parameters<NonNullable<z.core.$ZodConfig["customError"]>>[0];

const KINDS: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  bigint: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a group of fields",
  date: "a date",
};

function plural(n: unknown, one: string, many = `${one}s`): string {
  return `${String(n)} ${Number(n) === 1 ? one : many}`;
}

const FORMATS: Record<string, string> = {
  email: "must be an email address",
  url: "must be a web address (https://…)",
  uuid: "must be an id",
  guid: "must be an id",
  datetime: "must be a date and time such as 2026-12-01T09:00:00Z",
  date: "must be a date such as 2026-12-01",
  time: "must be a time such as 09:00",
  regex: "is not in the expected form",
  e164: "must be a phone number in international form, e.g. +12025550123",
  base64: "must be base64",
};

/** Plain words for a zod issue, or undefined to keep zod's own. */
export function plainMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) return "is required";
      if (issue.input === null) return "must not be empty";
      const kind = KINDS[String(issue.expected)];
      return kind ? `must be ${kind}` : undefined;
    }
    case "too_small": {
      const min = issue.minimum;
      if (issue.origin === "string")
        return Number(min) <= 1 ? "is required" : `must be at least ${plural(min, "character")}`;
      if (issue.origin === "array" || issue.origin === "set")
        return Number(min) <= 1 ? "must have at least one item" : `must have at least ${plural(min, "item")}`;
      if (issue.origin === "number" || issue.origin === "bigint")
        return issue.inclusive === false
          ? `must be more than ${String(min)}`
          : `must be at least ${String(min)}`;
      return undefined;
    }
    case "too_big": {
      const max = issue.maximum;
      if (issue.origin === "string") return `must be at most ${plural(max, "character")}`;
      if (issue.origin === "array" || issue.origin === "set")
        return `must have at most ${plural(max, "item")}`;
      if (issue.origin === "number" || issue.origin === "bigint")
        return issue.inclusive === false
          ? `must be less than ${String(max)}`
          : `must be at most ${String(max)}`;
      return undefined;
    }
    case "invalid_format":
      return FORMATS[String(issue.format)] ?? "is not in the expected form";
    case "invalid_value": {
      const values = (issue.values ?? []).map((v) => String(v));
      if (values.length === 1) return `must be ${values[0]}`;
      return values.length ? `must be one of: ${values.join(", ")}` : undefined;
    }
    case "unrecognized_keys":
      return `has fields this request does not take: ${(issue.keys ?? []).join(", ")}`;
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}`;
    case "invalid_union":
      return "is not valid here";
    default:
      return undefined;
  }
}

z.config({ customError: plainMessage });
