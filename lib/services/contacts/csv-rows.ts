import type { ImportRowError } from "@/lib/db/schema";
import { isAppError } from "@/lib/errors";
import { normalizePhone } from "@/lib/services/sms/phone";
import { canonicalLocale, canonicalTimeZone } from "@/lib/validation/contacts";
import { emailSchema } from "@/lib/validation/users";
import {
  type ColumnMapping,
  defaultTarget,
  type FieldTarget,
  isColumnTarget,
  type ResolvedColumn,
  resolveColumn,
} from "./column-mapping";

// One CSV record at a time: the header (and the import's column mapping, if any)
// decides what each column means, each data record becomes a contact or a list of
// {field, reason} errors.

export interface Header {
  /** Per column: a field, an attribute name, or null (ignored: no name, or mapped to "ignore"). */
  columns: ResolvedColumn[];
  /** The field a row without email and phone is reported against. */
  identifier: "email" | "phone";
}

export interface ContactValues {
  email: string | null;
  phone: string | null;
  name: string | null;
  timezone: string | null;
  locale: string | null;
  attributes: Record<string, string>;
}

type FieldError = Omit<ImportRowError, "row">;

export type RowResult =
  | { kind: "blank" }
  | { kind: "invalid"; errors: FieldError[] }
  /** warnings: a bad email or phone dropped from a row kept by its other identifier. */
  | { kind: "valid"; values: ContactValues; warnings: FieldError[] };

const label = (c: string) => (c.length > 40 ? `${c.slice(0, 40)}…` : c);

/**
 * Reads the header record. Without a mapping the SPEC §6 columns match in any
 * letter case (first_name / last_name too) and any other named column is an
 * attribute; a mapping overrides the columns it names.
 */
export function parseHeader(
  record: string[],
  mapping?: Readonly<Record<string, string>> | null,
): Header | { error: string } {
  const names = record.map((raw) => raw.trim());
  const targets: ColumnMapping = {};
  for (const [column, target] of Object.entries(mapping ?? {})) {
    if (!names.includes(column)) {
      return { error: `The mapping names the column "${label(column)}", which the header does not have` };
    }
    if (!isColumnTarget(target)) {
      return {
        error: `The mapping gives the column "${label(column)}" an unknown target "${label(target)}"`,
      };
    }
    targets[column] = target;
  }
  const byKey = new Map<string, string>();
  const columns: Header["columns"] = [];
  for (const name of names) {
    if (name.includes("\u0000")) return { error: "The header row contains a NUL character" };
    if (name === "") {
      columns.push(null);
      continue;
    }
    const column = resolveColumn(name, targets[name] ?? defaultTarget(name));
    columns.push(column);
    if (!column) continue;
    const key = column.kind === "field" ? column.name : `attr:${column.name}`;
    const first = byKey.get(key);
    if (first === name) return { error: `The header has the column "${label(name)}" twice` };
    if (first !== undefined) {
      const what = column.kind === "field" ? column.name : `the attribute "${label(column.name)}"`;
      return { error: `The columns "${label(first)}" and "${label(name)}" both map to ${what}` };
    }
    byKey.set(key, name);
  }
  const has = (n: FieldTarget) => byKey.has(n);
  if (!has("email") && !has("phone")) {
    const found = names.filter(Boolean).map(label);
    const list = found.length > 10 ? `${found.slice(0, 10).join(", ")}, …` : found.join(", ");
    return mapping
      ? { error: `The mapping needs a column for email or phone (columns: ${list || "none"})` }
      : { error: `The header row needs an "email" or a "phone" column (found: ${list || "none"})` };
  }
  return { columns, identifier: has("email") ? "email" : "phone" };
}

const shown = (v: string) => JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);

const KEPT = "; the row was imported without it";

/**
 * Validates and normalises one data record (email lowercased, phone to E.164 in
 * the organisation's region). A bad email or phone does not lose a row whose
 * other identifier is good: the row is kept without it and the bad field comes
 * back as a warning. Any other bad field fails the row.
 */
export function validateRow(record: string[], header: Header, defaultRegion: string): RowResult {
  if (record.every((f) => f.trim() === "")) return { kind: "blank" };
  const errors: FieldError[] = [];
  // A bad email or phone, in errors too: dropped rather than failing the row when the other is good.
  const identifierErrors = new Set<FieldError>();
  const idError = (e: FieldError) => {
    identifierErrors.add(e);
    errors.push(e);
  };
  const extra = record.slice(header.columns.length).filter((f) => f.trim() !== "");
  if (extra.length) {
    errors.push({
      field: "row",
      reason: `has ${record.length} fields; the header has ${header.columns.length}`,
    });
  }
  const values: ContactValues = {
    email: null,
    phone: null,
    name: null,
    timezone: null,
    locale: null,
    attributes: {},
  };
  let first = "";
  let last = "";
  let rawId = false;
  header.columns.forEach((column, i) => {
    const value = (record[i] ?? "").trim();
    if (!column || value === "") return;
    // Postgres text cannot hold NUL: the row is refused rather than failing the whole import.
    if (value.includes("\u0000")) {
      errors.push({ field: column.name, reason: "must not contain NUL characters" });
      return;
    }
    if (column.kind === "attribute") {
      values.attributes[column.name] = value;
      return;
    }
    switch (column.name) {
      case "email": {
        rawId = true;
        const parsed = emailSchema.safeParse(value);
        if (parsed.success) values.email = parsed.data;
        else idError({ field: "email", reason: `${shown(value)} is not a valid email address` });
        return;
      }
      case "phone":
        rawId = true;
        try {
          values.phone = normalizePhone(value, defaultRegion, "phone");
        } catch (e) {
          if (!isAppError(e)) throw e;
          idError({ field: "phone", reason: `${shown(value)} is not a valid phone number` });
        }
        return;
      case "name":
        values.name = value;
        return;
      case "first_name":
        first = value;
        return;
      case "last_name":
        last = value;
        return;
      case "timezone": {
        const tz = canonicalTimeZone(value);
        if (tz) values.timezone = tz;
        else
          errors.push({
            field: "timezone",
            reason: `${shown(value)} is not an IANA time zone (e.g. Europe/London)`,
          });
        return;
      }
      case "locale": {
        const locale = canonicalLocale(value);
        if (locale) values.locale = locale;
        else errors.push({ field: "locale", reason: `${shown(value)} is not a locale (e.g. en-GB)` });
        return;
      }
    }
  });
  // A name column wins; otherwise first and last name, joined with a space.
  values.name ??= [first, last].filter(Boolean).join(" ") || null;
  if (values.name && values.name.length > 200) {
    errors.push({ field: "name", reason: "is longer than 200 characters" });
  }
  if (!rawId) errors.push({ field: header.identifier, reason: "the row has neither an email nor a phone" });
  const kept = values.email !== null || values.phone !== null;
  if (!kept || errors.some((e) => !identifierErrors.has(e))) {
    return { kind: "invalid", errors };
  }
  return {
    kind: "valid",
    values,
    warnings: errors.map((e) => ({ field: e.field, reason: `${e.reason}${KEPT}` })),
  };
}

/** The keys a contact is matched by: its email and its phone. */
export function keysOf(v: ContactValues): { field: "email" | "phone"; key: string }[] {
  const keys: { field: "email" | "phone"; key: string }[] = [];
  if (v.email) keys.push({ field: "email", key: `e:${v.email}` });
  if (v.phone) keys.push({ field: "phone", key: `p:${v.phone}` });
  return keys;
}

/**
 * Which row first used each email/phone of the file, in 12 bytes a slot
 * (64-bit hash + row number, open addressing) rather than a Map of strings,
 * so a 50 MB file's index stays in the tens of megabytes.
 */
export class KeyIndex {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private rows: Uint32Array;
  private size = 0;

  constructor(capacity = 1 << 12) {
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.rows = new Uint32Array(capacity);
  }

  /** Two 32-bit halves of cyrb53's state: a fast, well-mixed 64-bit string hash (not cryptographic, need not be). */
  private static hash(key: string): [number, number] {
    let h1 = 0xdeadbeef;
    let h2 = 0x41c6ce57;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return [h1 >>> 0, h2 >>> 0];
  }

  private slot(hi: number, lo: number): number {
    const mask = this.rows.length - 1;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    while (this.rows[i] !== 0 && (this.hi[i] !== hi || this.lo[i] !== lo)) i = (i + 1) & mask;
    return i;
  }

  /** The row that first used the key, or 0. */
  get(key: string): number {
    const [hi, lo] = KeyIndex.hash(key);
    return this.rows[this.slot(hi, lo)] ?? 0;
  }

  /** Records the row (≥ 1) as the key's first user, unless one is recorded already. */
  add(key: string, row: number): void {
    if ((this.size + 1) * 4 > this.rows.length * 3) this.grow();
    const [hi, lo] = KeyIndex.hash(key);
    const i = this.slot(hi, lo);
    if (this.rows[i] !== 0) return;
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.rows[i] = row;
    this.size++;
  }

  private grow(): void {
    const { hi, lo, rows } = this;
    this.hi = new Uint32Array(rows.length * 2);
    this.lo = new Uint32Array(rows.length * 2);
    this.rows = new Uint32Array(rows.length * 2);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] ?? 0;
      if (row === 0) continue;
      const h = hi[i] ?? 0;
      const l = lo[i] ?? 0;
      const j = this.slot(h, l);
      this.hi[j] = h;
      this.lo[j] = l;
      this.rows[j] = row;
    }
  }
}
