import { and, eq, ilike, isNull, or, type SQL, sql } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { type Executor, getDb } from "@/lib/db";
import { type Contact, contacts, listMembers } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { keyset, toPage } from "@/lib/pagination";
import { diff, recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";
import { getOrganisation } from "@/lib/services/orgs/organisations";
import { normalizePhone } from "@/lib/services/sms/phone";
import type { ContactCreate, ContactQuery, ContactUpdate } from "@/lib/validation/contacts";
import { emailSchema } from "@/lib/validation/users";
import { addToLists, assertListsInOrg } from "./lists";

/** Contact of this organisation, or NotFound. */
export async function getContactInOrg(db: Executor, ctx: Ctx, id: string): Promise<Contact> {
  const [row] = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.id, id), eq(contacts.orgId, ctx.orgId)));
  if (!row) throw AppError.notFound("Contact");
  return row;
}

/** A lowercased email address; throws 422 invalid_email naming `field`. */
export function normaliseEmail(value: string, field = "email"): string {
  const parsed = emailSchema.safeParse(value);
  if (!parsed.success) {
    throw new AppError(
      "invalid_email",
      `${field} must be an email address`,
      [{ field, message: "must be an email address" }],
      422,
    );
  }
  return parsed.data;
}

/** Email lowercased and phone in E.164 (the organisation's default region for national numbers). */
async function normalise<T extends ContactUpdate>(db: Executor, ctx: Ctx, input: T): Promise<T> {
  const out = { ...input };
  if (input.email != null) out.email = normaliseEmail(input.email);
  if (input.phone != null) {
    const org = await getOrganisation(db, ctx.orgId);
    out.phone = normalizePhone(input.phone, org.defaultRegion, "phone");
  }
  return out;
}

/** Attributes merged key by key; a null value removes the key. */
export function mergeAttributes(
  before: Record<string, unknown>,
  patch: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (!patch) return before;
  const next = { ...before };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}

/** The columns a create/update sets: undefined keeps the value, null clears it. */
function columnsOf(input: ContactUpdate) {
  const out: Partial<Pick<Contact, "email" | "phone" | "name" | "timezone" | "locale">> = {};
  for (const key of ["email", "phone", "name", "timezone", "locale"] as const) {
    const v = input[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

async function findBy(db: Executor, ctx: Ctx, column: "email" | "phone", value: string) {
  const [row] = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.orgId, ctx.orgId), eq(contacts[column], value)));
  return row;
}

function takenBy(field: "email" | "phone", other: Contact): AppError {
  return AppError.conflict(`The ${field} belongs to another contact`, [
    { field, message: `belongs to another contact (${other.id})` },
  ]);
}

/** Field-by-field changes for the audit log (scrubbed again by a GDPR erase). */
function auditChanges(before: Partial<Contact>, after: Contact) {
  return diff(
    {
      email: before.email,
      phone: before.phone,
      name: before.name,
      timezone: before.timezone,
      locale: before.locale,
      attributes: before.attributes,
    },
    {
      email: after.email,
      phone: after.phone,
      name: after.name,
      timezone: after.timezone,
      locale: after.locale,
      attributes: after.attributes,
    },
  );
}

/**
 * Creates a contact, or updates the one that already has this email or phone
 * (upsert): given fields overwrite, attributes merge. 409 when the email and
 * the phone belong to two different contacts.
 */
export async function upsertContact({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ContactCreate;
}): Promise<{ contact: Contact; created: boolean }> {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const n = await normalise(tx, ctx, input);
    const byEmail = n.email ? await findBy(tx, ctx, "email", n.email) : undefined;
    const byPhone = n.phone ? await findBy(tx, ctx, "phone", n.phone) : undefined;
    if (byEmail && byPhone && byEmail.id !== byPhone.id) throw takenBy("phone", byPhone);
    const existing = byEmail ?? byPhone;
    if (input.list_ids?.length) await assertListsInOrg(tx, ctx, input.list_ids, "list_ids");
    let row: Contact | undefined;
    if (existing) {
      [row] = await tx
        .update(contacts)
        .set({ ...columnsOf(n), attributes: mergeAttributes(existing.attributes, n.attributes) })
        .where(eq(contacts.id, existing.id))
        .returning();
    } else {
      [row] = await tx
        .insert(contacts)
        .values({ orgId: ctx.orgId, ...columnsOf(n), attributes: mergeAttributes({}, n.attributes) })
        .returning();
    }
    if (!row) throw new AppError("internal_error", "contact could not be stored");
    if (input.list_ids?.length) await addToLists(tx, ctx, input.list_ids, [row.id]);
    await recordAudit(tx, ctx, {
      action: existing ? "contact.updated" : "contact.created",
      resourceType: "contact",
      resourceId: row.id,
      changes: {
        ...auditChanges(existing ?? {}, row),
        ...(input.list_ids?.length ? { list_ids: input.list_ids } : {}),
      },
    });
    return { contact: row, created: !existing };
  });
}

/** Changes a contact; a new email or phone must not belong to another contact (409). */
export async function updateContact({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: ContactUpdate;
}): Promise<Contact> {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const before = await getContactInOrg(tx, ctx, id);
    if (before.erasedAt) throw AppError.conflict("This contact was erased and cannot be edited");
    const n = await normalise(tx, ctx, input);
    for (const field of ["email", "phone"] as const) {
      const value = n[field];
      if (!value) continue;
      const other = await findBy(tx, ctx, field, value);
      if (other && other.id !== id) throw takenBy(field, other);
    }
    const next = { ...before, ...columnsOf(n) };
    if (!next.email && !next.phone) {
      throw AppError.validation([{ field: "email", message: "email or phone is required" }]);
    }
    const [row] = await tx
      .update(contacts)
      .set({ ...columnsOf(n), attributes: mergeAttributes(before.attributes, n.attributes) })
      .where(eq(contacts.id, id))
      .returning();
    if (!row) throw AppError.notFound("Contact");
    await recordAudit(tx, ctx, {
      action: "contact.updated",
      resourceType: "contact",
      resourceId: id,
      changes: auditChanges(before, row),
    });
    return row;
  });
}

/** Deletes a contact and its list memberships; its messages stay (with their recipient address). */
export async function deleteContact({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  await db.transaction(async (tx) => {
    await getContactInOrg(tx, ctx, id);
    await tx.delete(contacts).where(and(eq(contacts.id, id), eq(contacts.orgId, ctx.orgId)));
    await recordAudit(tx, ctx, { action: "contact.deleted", resourceType: "contact", resourceId: id });
  });
}

/** A contact with the ids of the lists it belongs to. */
export async function getContact({ ctx, id }: { ctx: Ctx; id: string }) {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  const contact = await getContactInOrg(db, ctx, id);
  const lists = await db
    .select({ listId: listMembers.listId })
    .from(listMembers)
    .where(eq(listMembers.contactId, id));
  return { contact, listIds: lists.map((l) => l.listId) };
}

const escapeLike = (s: string) => s.replace(/[%_\\]/g, (c) => `\\${c}`);

export interface ContactFilter {
  q?: string;
  listId?: string;
  /** Attribute equality, compared as text. */
  attributes?: Record<string, string>;
}

/** Conditions for the organisation's (not erased) contacts matching a search, a list and attribute values. */
export function contactConditions(orgId: string, f: ContactFilter): SQL {
  const conditions: (SQL | undefined)[] = [eq(contacts.orgId, orgId), isNull(contacts.erasedAt)];
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`;
    const digits = f.q.replace(/\D/g, "");
    conditions.push(
      or(
        ilike(contacts.email, like),
        ilike(contacts.phone, like),
        ilike(contacts.name, like),
        // "(202) 555-01" finds +120255501…
        digits.length >= 3 && digits !== f.q ? ilike(contacts.phone, `%${digits}%`) : undefined,
      ),
    );
  }
  if (f.listId) {
    conditions.push(
      sql`exists (select 1 from ${listMembers} where ${listMembers.contactId} = ${contacts.id} and ${listMembers.listId} = ${f.listId})`,
    );
  }
  for (const [key, value] of Object.entries(f.attributes ?? {})) {
    conditions.push(sql`${contacts.attributes} ->> ${key} = ${value}`);
  }
  return and(...conditions) as SQL;
}

/** Contacts, newest first, with search and filters. */
export async function listContacts({
  ctx,
  input,
  attributes,
}: {
  ctx: Ctx;
  input: ContactQuery;
  attributes: Record<string, string>;
}) {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  const page = keyset(contacts.createdAt, contacts.id, input.cursor);
  const rows = await db
    .select()
    .from(contacts)
    .where(and(contactConditions(ctx.orgId, { q: input.q, listId: input.list_id, attributes }), page.where))
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  return toPage(rows, input.limit);
}
