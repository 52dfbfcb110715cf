// What each CSV column of an import means. Pure: the import dialog guesses a
// mapping in the browser with the same code the server applies it with.

export const FIELD_TARGETS = [
  "email",
  "phone",
  "name",
  "first_name",
  "last_name",
  "timezone",
  "locale",
] as const;
export type FieldTarget = (typeof FIELD_TARGETS)[number];

/**
 * A column's target as the API takes it: a field, "attribute" (an attribute
 * named like the column), "attribute:<name>" (an attribute named <name>), or
 * "ignore".
 */
export type ColumnTarget = FieldTarget | "attribute" | `attribute:${string}` | "ignore";

/** Column name (as in the header, trimmed) → target. Columns it does not name keep their default meaning. */
export type ColumnMapping = Record<string, ColumnTarget>;

export type ResolvedColumn =
  | { kind: "field"; name: FieldTarget }
  | { kind: "attribute"; name: string }
  | null;

export const MAX_ATTRIBUTE_NAME = 100;

/** Lowercase, runs of space, "_", "-" and "." as one "_": "First Name" → "first_name". */
function snake(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_.-]+/g, "_");
}

/** Lowercase letters and digits only: "E-mail" → "email". */
function squash(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

const DEFAULTS: Record<string, FieldTarget> = {
  email: "email",
  phone: "phone",
  name: "name",
  timezone: "timezone",
  locale: "locale",
  first_name: "first_name",
  firstname: "first_name",
  last_name: "last_name",
  lastname: "last_name",
};

/**
 * The meaning a column has without a mapping (SPEC §6): email, phone, name,
 * timezone and locale in any letter case, and first_name / last_name (also
 * "First Name", "lastname"); any other named column is an attribute.
 */
export function defaultTarget(column: string): ColumnTarget {
  return DEFAULTS[snake(column)] ?? "attribute";
}

const SYNONYMS: Record<string, FieldTarget> = {
  email: "email",
  emailaddress: "email",
  mail: "email",
  emailid: "email",
  phone: "phone",
  phonenumber: "phone",
  mobile: "phone",
  mobilenumber: "phone",
  mobilephone: "phone",
  cell: "phone",
  cellphone: "phone",
  cellnumber: "phone",
  telephone: "phone",
  tel: "phone",
  msisdn: "phone",
  sms: "phone",
  whatsapp: "phone",
  name: "name",
  fullname: "name",
  contactname: "name",
  displayname: "name",
  firstname: "first_name",
  first: "first_name",
  givenname: "first_name",
  forename: "first_name",
  lastname: "last_name",
  last: "last_name",
  surname: "last_name",
  familyname: "last_name",
  timezone: "timezone",
  tz: "timezone",
  zone: "timezone",
  locale: "locale",
  language: "locale",
  lang: "locale",
};

/**
 * A friendlier guess for the import dialog: also "E-mail", "Email address",
 * "Mobile", "Phone number", "Surname", "Time zone", "Language"… Falls back to
 * the default meaning.
 */
export function guessTarget(column: string): ColumnTarget {
  return SYNONYMS[squash(column)] ?? defaultTarget(column);
}

/** A guessed mapping for a header: each field goes to the first column that looks like it; later look-alikes stay attributes. */
export function guessMapping(header: readonly string[]): ColumnMapping {
  const taken = new Set<string>();
  const mapping: ColumnMapping = {};
  for (const raw of header) {
    const column = raw.trim();
    if (column === "" || column in mapping) continue;
    let target = guessTarget(column);
    if (target !== "attribute" && target !== "ignore" && !target.startsWith("attribute:")) {
      if (taken.has(target)) target = "attribute";
      else taken.add(target);
    }
    mapping[column] = target;
  }
  return mapping;
}

/** Whether a string is a column target the API accepts. */
export function isColumnTarget(value: string): value is ColumnTarget {
  if (value === "attribute" || value === "ignore") return true;
  if ((FIELD_TARGETS as readonly string[]).includes(value)) return true;
  if (!value.startsWith("attribute:")) return false;
  const name = value.slice("attribute:".length).trim();
  return name.length > 0 && name.length <= MAX_ATTRIBUTE_NAME;
}

/** The column's meaning: a field, an attribute with its name, or null (ignored). */
export function resolveColumn(column: string, target: ColumnTarget): ResolvedColumn {
  if (target === "ignore") return null;
  if (target === "attribute") return { kind: "attribute", name: column };
  if (target.startsWith("attribute:")) {
    return { kind: "attribute", name: target.slice("attribute:".length).trim() };
  }
  return { kind: "field", name: target as FieldTarget };
}
