import { and, asc, eq, ilike, inArray, type SQL, sql } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { type Executor, getDb } from "@/lib/db";
import { type Contact, contacts, type List, listMembers, lists } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { keyset, type Page, toPage } from "@/lib/pagination";
import { diff, recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";
import type { ListCreate, ListUpdate } from "@/lib/validation/contacts";

export type ListWithCount = List & { memberCount: number };

const memberCount = sql<number>`(select count(*)::int from ${listMembers} where ${listMembers.listId} = ${lists.id})`;

/** List of this organisation, or NotFound. */
export async function getListInOrg(db: Executor, ctx: Ctx, id: string): Promise<List> {
  const [row] = await db
    .select()
    .from(lists)
    .where(and(eq(lists.id, id), eq(lists.orgId, ctx.orgId)));
  if (!row) throw AppError.notFound("List");
  return row;
}

/** Throws 404 naming the field when any of the ids is not a list of this organisation. */
export async function assertListsInOrg(db: Executor, ctx: Ctx, ids: string[], field: string): Promise<void> {
  const unique = [...new Set(ids)];
  const found = await db
    .select({ id: lists.id })
    .from(lists)
    .where(and(eq(lists.orgId, ctx.orgId), inArray(lists.id, unique)));
  const known = new Set(found.map((l) => l.id));
  const missing = ids.flatMap((id, i) =>
    known.has(id) ? [] : [{ field: `${field}.${i}`, message: "no such list" }],
  );
  if (missing.length) throw new AppError("not_found", "List not found", missing);
}

/** Adds contacts (already checked to be this organisation's) to lists; existing memberships are kept. */
export async function addToLists(
  db: Executor,
  ctx: Ctx,
  listIds: string[],
  contactIds: string[],
): Promise<number> {
  if (!listIds.length || !contactIds.length) return 0;
  const rows = listIds.flatMap((listId) =>
    contactIds.map((contactId) => ({ listId, contactId, orgId: ctx.orgId })),
  );
  let added = 0;
  for (let i = 0; i < rows.length; i += 1000) {
    const inserted = await db
      .insert(listMembers)
      .values(rows.slice(i, i + 1000))
      .onConflictDoNothing()
      .returning({ contactId: listMembers.contactId });
    added += inserted.length;
  }
  return added;
}

async function withCount(db: Executor, ctx: Ctx, id: string): Promise<ListWithCount> {
  const [row] = await db
    .select({ list: lists, memberCount })
    .from(lists)
    .where(and(eq(lists.id, id), eq(lists.orgId, ctx.orgId)));
  if (!row) throw AppError.notFound("List");
  return { ...row.list, memberCount: row.memberCount };
}

async function nameTaken(db: Executor, ctx: Ctx, name: string, exceptId?: string): Promise<boolean> {
  const [row] = await db
    .select({ id: lists.id })
    .from(lists)
    .where(and(eq(lists.orgId, ctx.orgId), eq(lists.name, name)));
  return Boolean(row && row.id !== exceptId);
}

const nameConflict = () =>
  AppError.conflict("A list with this name already exists", [
    { field: "name", message: "is already used by another list" },
  ]);

/** Creates an empty list; names are unique in the organisation (409). */
export async function createList({ ctx, input }: { ctx: Ctx; input: ListCreate }): Promise<ListWithCount> {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  return db.transaction(async (tx) => {
    if (await nameTaken(tx, ctx, input.name)) throw nameConflict();
    const [row] = await tx
      .insert(lists)
      .values({ orgId: ctx.orgId, name: input.name, description: input.description ?? null })
      .returning();
    if (!row) throw new AppError("internal_error", "list could not be created");
    await recordAudit(tx, ctx, {
      action: "list.created",
      resourceType: "list",
      resourceId: row.id,
      changes: { name: row.name, description: row.description },
    });
    return { ...row, memberCount: 0 };
  });
}

/** Renames a list or changes its description. */
export async function updateList({ ctx, id, input }: { ctx: Ctx; id: string; input: ListUpdate }) {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const before = await getListInOrg(tx, ctx, id);
    if (input.name !== undefined && (await nameTaken(tx, ctx, input.name, id))) throw nameConflict();
    const set = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
    };
    if (Object.keys(set).length) await tx.update(lists).set(set).where(eq(lists.id, id));
    const after = await withCount(tx, ctx, id);
    await recordAudit(tx, ctx, {
      action: "list.updated",
      resourceType: "list",
      resourceId: id,
      changes: diff(
        { name: before.name, description: before.description },
        { name: after.name, description: after.description },
      ),
    });
    return after;
  });
}

/** Deletes a list and its memberships; the contacts stay. */
export async function deleteList({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  await db.transaction(async (tx) => {
    const before = await withCount(tx, ctx, id);
    await tx.delete(lists).where(eq(lists.id, id));
    await recordAudit(tx, ctx, {
      action: "list.deleted",
      resourceType: "list",
      resourceId: id,
      changes: { name: before.name, member_count: before.memberCount },
    });
  });
}

export async function getList({ ctx, id }: { ctx: Ctx; id: string }): Promise<ListWithCount> {
  requirePermission(ctx, "content:write");
  return withCount(await getDb(), ctx, id);
}

/** Lists with their member counts, newest first. */
export async function listLists({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { limit: number; cursor?: string; q?: string };
}): Promise<Page<ListWithCount>> {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  const page = keyset(lists.createdAt, lists.id, input.cursor);
  const rows = await db
    .select({ list: lists, memberCount })
    .from(lists)
    .where(
      and(
        eq(lists.orgId, ctx.orgId),
        input.q ? ilike(lists.name, `%${input.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`) : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  return toPage(
    rows.map((r) => ({ ...r.list, memberCount: r.memberCount })),
    input.limit,
  );
}

/** Members of a list (contacts), newest contact first. */
export async function listMembersOf({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: { limit: number; cursor?: string };
}): Promise<Page<Contact>> {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  await getListInOrg(db, ctx, id);
  const page = keyset(contacts.createdAt, contacts.id, input.cursor);
  const rows = await db
    .select({ contact: contacts })
    .from(listMembers)
    .innerJoin(contacts, eq(contacts.id, listMembers.contactId))
    .where(and(eq(listMembers.listId, id), eq(contacts.orgId, ctx.orgId), page.where))
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  return toPage(
    rows.map((r) => r.contact),
    input.limit,
  );
}

/** Adds this organisation's contacts to a list; other ids are ignored and named in `not_found`. */
export async function addMembers({ ctx, id, contactIds }: { ctx: Ctx; id: string; contactIds: string[] }) {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  return db.transaction(async (tx) => {
    await getListInOrg(tx, ctx, id);
    const unique = [...new Set(contactIds)];
    const found = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.orgId, ctx.orgId), inArray(contacts.id, unique)));
    const known = new Set(found.map((c) => c.id));
    const added = await addToLists(tx, ctx, [id], [...known]);
    const notFound = unique.filter((c) => !known.has(c));
    await recordAudit(tx, ctx, {
      action: "list.members_added",
      resourceType: "list",
      resourceId: id,
      changes: { added, requested: unique.length, not_found: notFound.length },
    });
    return { added, not_found: notFound };
  });
}

/** Removes contacts from a list; ids that were not members are named in `not_found`. */
export async function removeMembers({ ctx, id, contactIds }: { ctx: Ctx; id: string; contactIds: string[] }) {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  return db.transaction(async (tx) => {
    await getListInOrg(tx, ctx, id);
    const unique = [...new Set(contactIds)];
    const removed = await tx
      .delete(listMembers)
      .where(
        and(
          eq(listMembers.listId, id),
          eq(listMembers.orgId, ctx.orgId),
          inArray(listMembers.contactId, unique),
        ),
      )
      .returning({ contactId: listMembers.contactId });
    const gone = new Set(removed.map((r) => r.contactId));
    await recordAudit(tx, ctx, {
      action: "list.members_removed",
      resourceType: "list",
      resourceId: id,
      changes: { removed: removed.length, requested: unique.length },
    });
    return { removed: removed.length, not_found: unique.filter((c) => !gone.has(c)) };
  });
}

export const STANDARD_COLUMNS = ["email", "phone", "name", "timezone", "locale"] as const;

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * A list's members as CSV rows (the import's columns, then one column per
 * attribute name in use, so the file imports back as it was), read a page at
 * a time so memory stays flat. Call
 * after getListInOrg: the generator itself starts lazily.
 */
export async function* listCsvRows(db: Executor, ctx: Ctx, id: string): AsyncGenerator<string[]> {
  const inList: SQL = and(eq(listMembers.listId, id), eq(contacts.orgId, ctx.orgId)) as SQL;
  const keys = await db
    .selectDistinct({ key: sql<string>`jsonb_object_keys(${contacts.attributes})` })
    .from(listMembers)
    .innerJoin(contacts, eq(contacts.id, listMembers.contactId))
    .where(inList);
  const attributeNames = keys
    .map((k) => k.key)
    .filter((k) => !(STANDARD_COLUMNS as readonly string[]).includes(k.toLowerCase()))
    .sort();
  yield [...STANDARD_COLUMNS, ...attributeNames];
  let after: string | null = null;
  for (;;) {
    const rows: Contact[] = await db
      .select({ contact: contacts })
      .from(listMembers)
      .innerJoin(contacts, eq(contacts.id, listMembers.contactId))
      .where(after ? and(inList, sql`${contacts.id} > ${after}`) : inList)
      .orderBy(asc(contacts.id))
      .limit(1000)
      .then((r) => r.map((x) => x.contact));
    for (const c of rows) {
      yield [
        c.email ?? "",
        c.phone ?? "",
        c.name ?? "",
        c.timezone ?? "",
        c.locale ?? "",
        ...attributeNames.map((k) => cell(c.attributes[k])),
      ];
    }
    if (rows.length < 1000) return;
    after = rows[rows.length - 1]?.id ?? null;
  }
}

/** Checks the list (404 before any byte is streamed) and returns its CSV rows, to be streamed. */
export async function exportList({ ctx, id }: { ctx: Ctx; id: string }) {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  const list = await getListInOrg(db, ctx, id);
  return { list, rows: listCsvRows(db, ctx, id) };
}
