import { z } from "zod";
import type { Contact, ContactImport, List } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { type ColumnMapping, isColumnTarget } from "@/lib/services/contacts/column-mapping";
import { isoDate, listQuery } from "./common";

/** An IANA time zone, canonicalised by the runtime (e.g. "europe/london" → "Europe/London"). */
export function canonicalTimeZone(value: string): string | null {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** A BCP 47 locale, canonicalised ("en_gb" → "en-GB"). */
export function canonicalLocale(value: string): string | null {
  try {
    return Intl.getCanonicalLocales(value.replace(/_/g, "-"))[0] ?? null;
  } catch {
    return null;
  }
}

const blankToNull = (v: string | null | undefined) => (v === "" ? null : v);

/** Email and phone are checked by the service (422 naming the field), where the organisation's default region is known. */
const contactFields = {
  email: z.string().trim().max(320).nullish().transform(blankToNull),
  phone: z.string().trim().max(64).nullish().transform(blankToNull),
  name: z.string().trim().max(200).nullish().transform(blankToNull),
  timezone: z
    .string()
    .trim()
    .nullish()
    .transform(blankToNull)
    .refine(
      (v) => v == null || canonicalTimeZone(v) !== null,
      "must be an IANA time zone such as Europe/London",
    )
    .transform((v) => (v == null ? v : canonicalTimeZone(v))),
  locale: z
    .string()
    .trim()
    .nullish()
    .transform(blankToNull)
    .refine((v) => v == null || canonicalLocale(v) !== null, "must be a locale such as en-GB")
    .transform((v) => (v == null ? v : canonicalLocale(v))),
  attributes: z
    .record(z.string().trim().min(1).max(100), z.unknown())
    .refine((a) => Object.keys(a).length <= 200, "at most 200 attributes")
    .optional()
    .describe("Merged into the contact's attributes; a key set to null is removed"),
};

export const contactCreate = z
  .object({
    ...contactFields,
    list_ids: z
      .array(z.uuid({ message: "must be a UUID" }))
      .max(100)
      .optional(),
  })
  .refine((c) => Boolean(c.email || c.phone), { message: "email or phone is required", path: ["email"] })
  .meta({
    id: "ContactCreate",
    description:
      "Upsert: when the email (lowercased) or the phone (E.164) belongs to a contact, that contact is updated (attributes merged) and 200 is answered; otherwise 201.",
  });
export type ContactCreate = z.output<typeof contactCreate>;

export const contactUpdate = z.object(contactFields).meta({ id: "ContactUpdate" });
export type ContactUpdate = z.output<typeof contactUpdate>;

export const contactQuery = listQuery.extend({
  q: z.string().trim().min(1).max(200).optional().describe("Searches email, phone and name"),
  list_id: z.uuid().optional().describe("Only members of this list"),
  filter: z
    .string()
    .optional()
    .describe(
      'Attribute equality as a JSON object, e.g. {"plan":"pro"}; the same as attr.plan=pro. Values compare as text.',
    ),
});
export type ContactQuery = z.output<typeof contactQuery>;

/** Attribute equality filters from `filter` (JSON) and `attr.<name>=value` query parameters. */
export function attributeFilters(filter: string | undefined, url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  if (filter) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(filter);
    } catch {
      parsed = undefined;
    }
    const ok = z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).safeParse(parsed);
    if (!ok.success) {
      throw AppError.validation([
        { field: "filter", message: 'must be a JSON object of attribute values, e.g. {"plan":"pro"}' },
      ]);
    }
    for (const [k, v] of Object.entries(ok.data)) out[k] = String(v);
  }
  for (const [k, v] of url.searchParams) if (k.startsWith("attr.") && k.length > 5) out[k.slice(5)] = v;
  return out;
}

export const contactJson = z
  .object({
    id: z.uuid(),
    email: z.string().nullable(),
    phone: z.string().nullable().describe("E.164"),
    name: z.string().nullable(),
    timezone: z.string().nullable(),
    locale: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    erased_at: z.string().nullable().describe("Set when the contact was erased (GDPR)"),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "Contact" });

export const contactDetailJson = contactJson
  .extend({ list_ids: z.array(z.string()) })
  .meta({ id: "ContactDetail" });

export function toContactJson(c: Contact): z.infer<typeof contactJson> {
  return {
    id: c.id,
    email: c.email,
    phone: c.phone,
    name: c.name,
    timezone: c.timezone,
    locale: c.locale,
    attributes: c.attributes,
    erased_at: isoDate(c.erasedAt),
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

// Lists

export const listCreate = z
  .object({
    name: z.string().trim().min(1, "is required").max(100),
    description: z.string().trim().max(500).nullish().transform(blankToNull),
  })
  .meta({ id: "ListCreate" });
export type ListCreate = z.output<typeof listCreate>;

export const listUpdate = z
  .object({
    name: z.string().trim().min(1, "is required").max(100).optional(),
    description: z.string().trim().max(500).nullish().transform(blankToNull),
  })
  .meta({ id: "ListUpdate" });
export type ListUpdate = z.output<typeof listUpdate>;

export const listListQuery = listQuery.extend({ q: z.string().trim().min(1).max(100).optional() });

export const listJson = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    member_count: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "List" });

export function toListJson(l: List & { memberCount: number }): z.infer<typeof listJson> {
  return {
    id: l.id,
    name: l.name,
    description: l.description,
    member_count: l.memberCount,
    created_at: l.createdAt.toISOString(),
    updated_at: l.updatedAt.toISOString(),
  };
}

export const membersBody = z
  .object({
    contact_ids: z
      .array(z.uuid({ message: "must be a UUID" }))
      .min(1)
      .max(1000),
  })
  .meta({ id: "ListMembersChange" });

export const membersAddResult = z
  .object({
    added: z.number().int().describe("Contacts newly added (already members are not counted)"),
    not_found: z.array(z.string()).describe("Ids that are not contacts of this organisation: ignored"),
  })
  .meta({ id: "ListMembersAdded" });

export const membersRemoveResult = z
  .object({
    removed: z.number().int(),
    not_found: z.array(z.string()).describe("Ids that were not members of this list: ignored"),
  })
  .meta({ id: "ListMembersRemoved" });

// Imports

const MAPPING_DESCRIPTION =
  'JSON object: column name (as in the header) → "email", "phone", "name", "first_name", "last_name" (first and last name are joined with a space when there is no name), "timezone", "locale", "attribute" (an attribute named like the column), "attribute:<name>" or "ignore". Columns it does not name keep their default meaning. Checked against the header at upload (400 naming mapping)';

/** The import's column mapping, sent as JSON text (a multipart field or a query parameter). */
export const importMapping = z
  .string()
  .max(100_000)
  .transform((text, c): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      c.addIssue({ code: "custom", message: "must be a JSON object of column → target" });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .record(
        z.string().max(200),
        z.string().refine(isColumnTarget, {
          message:
            "each target must be email, phone, name, first_name, last_name, timezone, locale, attribute, attribute:<name> or ignore",
        }),
      )
      .refine((m) => Object.keys(m).length <= 500, "at most 500 columns"),
  )
  .transform((m): ColumnMapping => {
    const out: ColumnMapping = {};
    for (const [column, target] of Object.entries(m)) if (isColumnTarget(target)) out[column.trim()] = target;
    return out;
  })
  .describe(MAPPING_DESCRIPTION);

export const importQuery = z.object({
  mapping: importMapping.optional().describe(`For a text/csv body. ${MAPPING_DESCRIPTION}`),
  list_id: z
    .uuid({ message: "must be a UUID" })
    .optional()
    .describe("Add every imported contact to this list"),
  filename: z.string().trim().max(200).optional().describe("Name to show for a text/csv body"),
});

export const importCreated = z.object({ import_id: z.uuid() }).meta({ id: "ContactImportCreated" });

export const importRowError = z.object({
  row: z
    .number()
    .int()
    .describe(
      "Data record number: 1 is the first record after the header; 0 means the file itself (e.g. its header)",
    ),
  field: z.string().describe("email, phone, name, timezone, locale, row, or file"),
  reason: z.string(),
});

export const importJson = z
  .object({
    id: z.uuid(),
    status: z.enum(["pending", "running", "completed", "failed"]),
    filename: z.string().nullable(),
    list_id: z.string().nullable(),
    total_bytes: z.number().int(),
    processed_bytes: z
      .number()
      .int()
      .describe("Bytes of the file parsed so far: progress = processed_bytes / total_bytes"),
    processed: z.number().int().describe("Data records read so far"),
    imported: z.number().int().describe("Records that created or updated a contact"),
    failed: z
      .number()
      .int()
      .describe(
        "Records not imported (invalid, duplicate in the file, or conflicting); a row kept without its bad email or phone is imported, its dropped field is in errors",
      ),
    errors: z
      .array(importRowError)
      .describe(
        "The first 50 errors; GET /contacts/imports/{id}/errors has all of them (up to 100,000) as CSV",
      ),
    error_count: z
      .number()
      .int()
      .describe(
        "Errors found: bad rows, and bad emails or phones dropped from rows kept by their other identifier",
      ),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: "ContactImport" });

export function toImportJson(i: Omit<ContactImport, "content">): z.infer<typeof importJson> {
  return {
    id: i.id,
    status: i.status,
    filename: i.filename,
    list_id: i.listId,
    total_bytes: i.totalBytes,
    processed_bytes: i.processedBytes,
    processed: i.processed,
    imported: i.imported,
    failed: i.failed,
    errors: i.errors,
    error_count: i.errorCount,
    created_at: i.createdAt.toISOString(),
    started_at: isoDate(i.startedAt),
    finished_at: isoDate(i.finishedAt),
  };
}

// GDPR

export const eraseResult = z
  .object({
    id: z.uuid(),
    erased_at: z.string(),
    messages_erased: z.number().int().describe("Messages whose recipient, bodies and variables were blanked"),
    memberships_removed: z.number().int(),
  })
  .meta({ id: "ContactErased" });

export const contactExportJson = z
  .object({
    exported_at: z.string(),
    contact: contactJson,
    lists: z.array(z.object({ id: z.string(), name: z.string(), added_at: z.string() })),
    opt_outs: z.array(z.record(z.string(), z.unknown())),
    suppressions: z.array(z.record(z.string(), z.unknown())),
    messages: z.array(z.record(z.string(), z.unknown())),
  })
  .meta({ id: "ContactExport" });
