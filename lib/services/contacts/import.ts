import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import { and, asc, eq, getTableColumns, gt, inArray, sql } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { restoreFormula } from "@/lib/csv";
import { type Executor, getDb } from "@/lib/db";
import {
  type ContactImport,
  contactImportErrors,
  contactImports,
  contacts,
  type ImportRowError,
  listMembers,
} from "@/lib/db/schema";
import { AppError, isAppError } from "@/lib/errors";
import { emit } from "@/lib/jobs/emit";
import { rowsOf } from "@/lib/jobs/runner";
import { log } from "@/lib/logger";
import { recordAudit } from "@/lib/services/audit/record";
import { type Ctx, systemCtx } from "@/lib/services/context";
import { getOrganisation } from "@/lib/services/orgs/organisations";
import type { ColumnMapping } from "./column-mapping";
import { type ContactValues, type Header, KeyIndex, keysOf, parseHeader, validateRow } from "./csv-rows";
import { getListInOrg } from "./lists";

/** Largest accepted upload; larger files are refused with 413 before anything is stored. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
/** Records per transaction: contacts upserted in one multi-row INSERT … ON CONFLICT, then progress saved. */
export const IMPORT_BATCH = 500;
/** Errors kept for the downloadable report; error_count and `failed` still count every one. */
export const MAX_IMPORT_ERRORS = 100_000;
/** Errors the status answer carries (the first ones found); the report has the rest. */
export const SHOWN_IMPORT_ERRORS = 50;
/** Bytes of the stored file read per query, so memory stays flat however large the file. */
const READ_CHUNK = 1 << 20;

const { content: _content, ...withoutContent } = getTableColumns(contactImports);

export function tooLarge(): AppError {
  return new AppError(
    "payload_too_large",
    `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split it into smaller files`,
    [{ field: "file", message: `must be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB` }],
    413,
  );
}

/** Stores an uploaded CSV and queues its processing; the answer is the import to poll. */
export async function createImport({
  ctx,
  content,
  filename,
  listId,
  mapping = null,
}: {
  ctx: Ctx;
  content: Buffer;
  filename: string | null;
  listId: string | null;
  mapping?: ColumnMapping | null;
}): Promise<Omit<ContactImport, "content">> {
  requirePermission(ctx, "content:write");
  if (content.length === 0) throw AppError.validation([{ field: "file", message: "is empty" }]);
  if (content.length > MAX_IMPORT_BYTES) throw tooLarge();
  if (mapping) checkMapping(content, mapping);
  const db = await getDb();
  const row = await db.transaction(async (tx) => {
    if (listId) {
      try {
        await getListInOrg(tx, ctx, listId);
      } catch (e) {
        if (isAppError(e) && e.code === "not_found") {
          throw new AppError("not_found", "List not found", [{ field: "list_id", message: "no such list" }]);
        }
        throw e;
      }
    }
    const [created] = await tx
      .insert(contactImports)
      .values({
        orgId: ctx.orgId,
        listId,
        filename,
        content,
        mapping,
        totalBytes: content.length,
        createdByUserId: ctx.actor.type === "user" ? ctx.actor.id : null,
      })
      .returning(withoutContent);
    if (!created) throw new AppError("internal_error", "import could not be stored");
    await recordAudit(tx, ctx, {
      action: "contact_import.created",
      resourceType: "contact_import",
      resourceId: created.id,
      changes: { filename, bytes: content.length, list_id: listId, mapping },
    });
    return created;
  });
  // After the commit, so that whichever instance runs the import sees the row.
  await emit([
    {
      name: "contacts/import.requested",
      id: `contact-import:${row.id}`,
      data: { importId: row.id, orgId: ctx.orgId },
    },
  ]);
  return row;
}

/**
 * A mapping is checked against the file's header at upload, so a typo is a 400
 * now rather than a failed import later. The header is read from the first
 * megabyte; a file whose header csv-parse cannot read is left to the import to report.
 */
function checkMapping(content: Buffer, mapping: ColumnMapping): void {
  let header: string[] | undefined;
  try {
    [header] = parseSync(content.subarray(0, READ_CHUNK), {
      bom: true,
      to: 1,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }) as string[][];
  } catch {
    return;
  }
  if (!header) return;
  const h = parseHeader(header, mapping);
  if ("error" in h) throw AppError.validation([{ field: "mapping", message: h.error }]);
}

/** An import's status and counters (never the stored file). */
export async function getImport({
  ctx,
  id,
}: {
  ctx: Ctx;
  id: string;
}): Promise<Omit<ContactImport, "content">> {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  const [row] = await db
    .select(withoutContent)
    .from(contactImports)
    .where(and(eq(contactImports.id, id), eq(contactImports.orgId, ctx.orgId)));
  if (!row) throw AppError.notFound("Import");
  return row;
}

/** The stored file, a slice per query. */
async function* storedFile(db: Executor, id: string, total: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < total; offset += READ_CHUNK) {
    const [row] = await db
      .select({
        chunk: sql<Uint8Array | null>`substring(${contactImports.content} from ${offset + 1}::int for ${READ_CHUNK}::int)`,
      })
      .from(contactImports)
      .where(eq(contactImports.id, id));
    if (!row?.chunk) throw new Error(`contact import ${id}: stored file is missing`);
    yield Buffer.from(row.chunk.buffer, row.chunk.byteOffset, row.chunk.byteLength);
  }
}

interface PendingRow {
  row: number;
  values: ContactValues;
}

interface Progress {
  processed: number;
  imported: number;
  failed: number;
  /** The first SHOWN_IMPORT_ERRORS errors, for the status answer. */
  errors: ImportRowError[];
  /** Every error found. */
  errorCount: number;
  /** Errors found since the last save, each with its place in the report. */
  unsaved: (ImportRowError & { seq: number })[];
}

const newProgress = (): Progress => ({
  processed: 0,
  imported: 0,
  failed: 0,
  errors: [],
  errorCount: 0,
  unsaved: [],
});

function addError(p: Progress, e: ImportRowError): void {
  if (p.errors.length < SHOWN_IMPORT_ERRORS) p.errors.push(e);
  if (p.errorCount < MAX_IMPORT_ERRORS) p.unsaved.push({ seq: p.errorCount, ...e });
  p.errorCount++;
}

/** Writes the errors found since the last save in one statement (in the caller's transaction). */
async function saveErrors(tx: Executor, imp: Pick<ContactImport, "id" | "orgId">, p: Progress) {
  if (p.unsaved.length === 0) return;
  const rows = JSON.stringify(p.unsaved);
  p.unsaved = [];
  await tx.execute(sql`
    insert into ${contactImportErrors} (import_id, seq, org_id, row, field, reason)
    select ${imp.id}::uuid, r.seq, ${imp.orgId}::uuid, r.row, r.field, r.reason
    from jsonb_to_recordset(${rows}::jsonb) as r(seq int, row int, field text, reason text)`);
}

/** Later non-empty values win; attributes merge. */
function mergeValues(a: ContactValues, b: ContactValues): ContactValues {
  return {
    email: b.email ?? a.email,
    phone: b.phone ?? a.phone,
    name: b.name ?? a.name,
    timezone: b.timezone ?? a.timezone,
    locale: b.locale ?? a.locale,
    attributes: { ...a.attributes, ...b.attributes },
  };
}

/**
 * Upserts one batch in a multi-row INSERT … ON CONFLICT (id) DO UPDATE whose
 * rows come from one JSON parameter (jsonb_to_recordset): each row is first
 * matched to an existing contact by email, then by phone; a row
 * whose email and phone belong to two different contacts is an error. Empty
 * cells keep the contact's value, attributes merge. Returns how many rows
 * created or updated a contact.
 */
async function upsertBatch(
  tx: Executor,
  imp: Pick<ContactImport, "orgId" | "listId">,
  batch: PendingRow[],
  p: Progress,
) {
  const emails = batch.flatMap((r) => (r.values.email ? [r.values.email] : []));
  const phones = batch.flatMap((r) => (r.values.phone ? [r.values.phone] : []));
  // One JSON parameter per list rather than one parameter per value: far less to bind and plan.
  const existing = rowsOf<{ id: string; email: string | null; phone: string | null }>(
    await tx.execute(sql`
      select c.id, c.email, c.phone
      from jsonb_array_elements_text(${JSON.stringify(emails)}::jsonb) as k(v)
      join ${contacts} c on c.org_id = ${imp.orgId}::uuid and c.email = k.v
      union
      select c.id, c.email, c.phone
      from jsonb_array_elements_text(${JSON.stringify(phones)}::jsonb) as k(v)
      join ${contacts} c on c.org_id = ${imp.orgId}::uuid and c.phone = k.v`),
  );
  const byEmail = new Map(existing.flatMap((c) => (c.email ? [[c.email, c.id] as const] : [])));
  const byPhone = new Map(existing.flatMap((c) => (c.phone ? [[c.phone, c.id] as const] : [])));
  const targets = new Map<string, ContactValues>();
  let applied = 0;
  for (const r of batch) {
    const e = r.values.email ? byEmail.get(r.values.email) : undefined;
    const ph = r.values.phone ? byPhone.get(r.values.phone) : undefined;
    if (e && ph && e !== ph) {
      p.failed++;
      addError(p, { row: r.row, field: "phone", reason: "belongs to another contact than the row's email" });
      continue;
    }
    const id = e ?? ph ?? randomUUID();
    const before = targets.get(id);
    targets.set(id, before ? mergeValues(before, r.values) : r.values);
    applied++;
  }
  if (targets.size === 0) return 0;
  const rows = JSON.stringify([...targets].map(([id, v]) => ({ id, ...v })));
  await tx.execute(sql`
    insert into ${contacts} (id, org_id, email, phone, name, timezone, locale, attributes)
    select r.id, ${imp.orgId}::uuid, r.email, r.phone, r.name, r.timezone, r.locale, r.attributes
    from jsonb_to_recordset(${rows}::jsonb)
      as r(id uuid, email text, phone text, name text, timezone text, locale text, attributes jsonb)
    on conflict (id) do update set
      email = coalesce(excluded.email, ${contacts}.email),
      phone = coalesce(excluded.phone, ${contacts}.phone),
      name = coalesce(excluded.name, ${contacts}.name),
      timezone = coalesce(excluded.timezone, ${contacts}.timezone),
      locale = coalesce(excluded.locale, ${contacts}.locale),
      attributes = ${contacts}.attributes || excluded.attributes,
      updated_at = now()
    where ${contacts}.org_id = ${imp.orgId}::uuid`);
  if (imp.listId) {
    await tx.execute(sql`
      insert into ${listMembers} (list_id, contact_id, org_id)
      select ${imp.listId}::uuid, k.id::uuid, ${imp.orgId}::uuid
      from jsonb_array_elements_text(${JSON.stringify([...targets.keys()])}::jsonb) as k(id)
      on conflict do nothing`);
  }
  return applied;
}

export interface ImportSummary {
  status: ContactImport["status"];
  processed: number;
  imported: number;
  failed: number;
}

async function finish(
  db: Executor,
  imp: Pick<ContactImport, "id" | "orgId" | "totalBytes">,
  status: "completed" | "failed",
  p: Progress,
): Promise<ImportSummary> {
  await db.transaction(async (tx) => {
    await saveErrors(tx, imp, p);
    await tx
      .update(contactImports)
      .set({
        status,
        processed: p.processed,
        imported: p.imported,
        failed: p.failed,
        errors: p.errors,
        errorCount: p.errorCount,
        ...(status === "completed" ? { processedBytes: imp.totalBytes } : {}),
        finishedAt: new Date(),
        // The file has served its purpose; personal data is not kept twice.
        content: null,
      })
      .where(eq(contactImports.id, imp.id));
    await recordAudit(tx, systemCtx(imp.orgId, "contact import"), {
      action: `contact_import.${status}`,
      resourceType: "contact_import",
      resourceId: imp.id,
      changes: { processed: p.processed, imported: p.imported, failed: p.failed, errors: p.errorCount },
    });
  });
  return { status, processed: p.processed, imported: p.imported, failed: p.failed };
}

/**
 * Processes a stored import: streams the file through csv-parse, validates
 * each record, upserts valid ones in batches (adding them to the list), and
 * saves the counters after every batch. Restartable: a re-run (after a crash
 * or a retry) starts again from the first record with the counters reset, and
 * the upserts are idempotent, so nothing is counted or created twice. A later
 * record with an email or phone already used by an earlier record of the file
 * is reported as a duplicate and not applied.
 */
export async function runImport(
  importId: string,
  options: { afterBatch?: (batch: number) => void | Promise<void> } = {},
): Promise<ImportSummary> {
  const db = await getDb();
  const [imp] = await db.select(withoutContent).from(contactImports).where(eq(contactImports.id, importId));
  if (!imp) throw new Error(`contact import ${importId} not found`);
  if (imp.status === "completed" || imp.status === "failed") {
    return { status: imp.status, processed: imp.processed, imported: imp.imported, failed: imp.failed };
  }
  const { defaultRegion } = await getOrganisation(db, imp.orgId);
  await db.transaction(async (tx) => {
    // A re-run starts from the first record: the errors of an earlier run go with its counters.
    await tx.delete(contactImportErrors).where(eq(contactImportErrors.importId, importId));
    await tx
      .update(contactImports)
      .set({
        status: "running",
        startedAt: new Date(),
        finishedAt: null,
        processed: 0,
        imported: 0,
        failed: 0,
        processedBytes: 0,
        errors: [],
        errorCount: 0,
      })
      .where(eq(contactImports.id, importId));
  });

  const p = newProgress();
  const keys = new KeyIndex();
  let header: Header | undefined;
  let row = 0;
  let pending = 0;
  let batch: PendingRow[] = [];
  let batches = 0;
  let savedErrors = 0;
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    // A record csv-parse cannot read (e.g. a quote never closed) is reported as that row's error.
    skip_records_with_error: true,
    // Our own exports write `'+44…` for `+44…` (lib/csv.ts); read such a cell back as it was.
    cast: (value) => restoreFormula(value),
  });
  const unreadable: ImportRowError[] = [];
  parser.on("skip", (e: CsvError) => {
    unreadable.push({
      row: Math.max(parser.info.records, 1),
      field: "row",
      reason: `is not valid CSV: ${e.message}`,
    });
  });
  const takeUnreadable = () => {
    for (const e of unreadable.splice(0)) {
      p.processed++;
      p.failed++;
      pending++;
      addError(p, e);
    }
  };
  const source = Readable.from(storedFile(db, importId, imp.totalBytes));
  source.on("error", (e) => parser.destroy(e));
  source.pipe(parser);

  const flush = async () => {
    const rows = batch;
    batch = [];
    pending = 0;
    await db.transaction(async (tx) => {
      if (rows.length) p.imported += await upsertBatch(tx, imp, rows, p);
      await saveErrors(tx, imp, p);
      await tx
        .update(contactImports)
        .set({
          processed: p.processed,
          imported: p.imported,
          failed: p.failed,
          errorCount: p.errorCount,
          // The shown errors only grow, up to their cap: rewrite them only when some were added.
          ...(p.errors.length !== savedErrors ? { errors: p.errors } : {}),
          processedBytes: Math.min(parser.info.bytes, imp.totalBytes),
        })
        .where(eq(contactImports.id, importId));
    });
    savedErrors = p.errors.length;
    batches++;
    await options.afterBatch?.(batches);
    // PGlite answers without real I/O: let timers and requests (progress polls) run between batches.
    await new Promise((resolve) => setImmediate(resolve));
  };

  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { records: number };
    }>) {
      takeUnreadable();
      if (!header) {
        const h = parseHeader(record, imp.mapping);
        if ("error" in h) {
          source.destroy();
          addError(p, { row: 0, field: "file", reason: h.error });
          return finish(db, imp, "failed", p);
        }
        header = h;
        continue;
      }
      // 1 is the first data record after the header.
      row = info.records - 1;
      const result = validateRow(record, header, defaultRegion);
      if (result.kind === "blank") continue;
      p.processed++;
      pending++;
      if (result.kind === "invalid") {
        p.failed++;
        for (const e of result.errors) addError(p, { row, ...e });
      } else {
        const ks = keysOf(result.values);
        const dup = ks.map((k) => ({ ...k, first: keys.get(k.key) })).find((k) => k.first > 0);
        if (dup) {
          p.failed++;
          addError(p, { row, field: dup.field, reason: `duplicate of row ${dup.first} (same ${dup.field})` });
        } else {
          for (const k of ks) keys.add(k.key, row);
          for (const w of result.warnings) addError(p, { row, ...w });
          batch.push({ row, values: result.values });
        }
      }
      if (pending >= IMPORT_BATCH) await flush();
    }
  } catch (e) {
    source.destroy();
    if (!(e instanceof CsvError)) throw e;
    addError(p, { row: row + 1, field: "file", reason: `The file is not valid CSV: ${e.message}` });
    if (batch.length) await flush();
    return finish(db, imp, "failed", p);
  }
  if (!header) {
    addError(p, { row: 0, field: "file", reason: "The file has no readable header row" });
    return finish(db, imp, "failed", p);
  }
  takeUnreadable();
  await flush();
  return finish(db, imp, "completed", p);
}

/** Called when every retry failed: the import ends as failed with a generic reason (details are in the log). */
export async function failImport(importId: string, error: string): Promise<void> {
  log.error("contact import failed", { importId, error });
  const db = await getDb();
  const e: ImportRowError = {
    row: 0,
    field: "file",
    reason: "The import stopped after an internal error; please upload the file again",
  };
  await db.transaction(async (tx) => {
    const [imp] = await tx
      .update(contactImports)
      .set({
        status: "failed",
        finishedAt: new Date(),
        content: null,
        errors: sql`${contactImports.errors} || ${JSON.stringify([e])}::jsonb`,
        errorCount: sql`${contactImports.errorCount} + 1`,
      })
      .where(and(eq(contactImports.id, importId), inArray(contactImports.status, ["pending", "running"])))
      .returning({ orgId: contactImports.orgId });
    if (!imp) return;
    await tx.execute(sql`
      insert into ${contactImportErrors} (import_id, seq, org_id, row, field, reason)
      select ${importId}::uuid, coalesce(max(seq) + 1, 0), ${imp.orgId}::uuid, ${e.row}, ${e.field}, ${e.reason}
      from ${contactImportErrors} where import_id = ${importId}::uuid`);
  });
}

const REPORT_PAGE = 5000;

/**
 * The import's error report as CSV rows (header `row,field,reason`), every
 * stored error in the order found, read a page at a time; cells are
 * formula-escaped. Checks the import first (404 before any byte is streamed).
 */
export async function importErrorReport({ ctx, id }: { ctx: Ctx; id: string }) {
  const imp = await getImport({ ctx, id });
  const db = await getDb();
  async function* rows(): AsyncGenerator<string[]> {
    yield ["row", "field", "reason"];
    let after = -1;
    let any = false;
    for (;;) {
      const page = await db
        .select({
          seq: contactImportErrors.seq,
          row: contactImportErrors.row,
          field: contactImportErrors.field,
          reason: contactImportErrors.reason,
        })
        .from(contactImportErrors)
        .where(
          and(
            eq(contactImportErrors.importId, imp.id),
            eq(contactImportErrors.orgId, ctx.orgId),
            gt(contactImportErrors.seq, after),
          ),
        )
        .orderBy(asc(contactImportErrors.seq))
        .limit(REPORT_PAGE);
      for (const e of page) yield csvRow(e);
      any ||= page.length > 0;
      if (page.length < REPORT_PAGE) break;
      after = page[page.length - 1]?.seq ?? after;
    }
    // Imports from before the report table kept their errors on the import row only.
    if (!any) for (const e of imp.errors) yield csvRow(e);
  }
  return { import: imp, rows: rows() };
}

function csvRow(e: ImportRowError): string[] {
  return [String(e.row), e.field, e.reason];
}
