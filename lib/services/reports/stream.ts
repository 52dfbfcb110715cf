import { type SQL, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Sql } from "postgres";
import { config } from "@/lib/config";
import { type Db, databaseMode, type Executor, getDb } from "@/lib/db";

/** The ordering key of the last row read: every keyset source selects it as _k1 and _k2 (text). */
export interface Keyset {
  k1: string;
  k2: string;
}

export type Row = Record<string, unknown>;

/**
 * Where a report's rows come from: a query in one fixed order with its keyset
 * predicate after `after`, read through a server-side cursor on postgres.js and
 * in keyset pages on PGlite (which has one connection and no cursors across
 * calls). Either way memory holds one page, whatever the report's size.
 */
export interface KeysetSource {
  kind: "keyset";
  query(after: Keyset | null): SQL;
}

/** A small aggregate (per day, per provider): one query, read whole. */
export interface WholeSource {
  kind: "whole";
  query(): SQL;
}

export const PAGE_SIZE = 2000;

const dialect = new PgDialect();

/** Rows of a raw query on either driver. */
export async function queryRows<T = Row>(db: Executor, q: SQL): Promise<T[]> {
  const r = (await db.execute(q)) as unknown;
  return (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];
}

/** The postgres.js client under drizzle, for its cursors; null on PGlite. */
async function postgresClient(db: Db): Promise<Sql | null> {
  if ((await databaseMode()) !== "postgres") return null;
  return (db as unknown as { $client: Sql }).$client;
}

/** Yields the source's rows a page at a time. */
export async function* readPages(
  source: KeysetSource | WholeSource,
  pageSize = PAGE_SIZE,
): AsyncGenerator<Row[]> {
  const db = await getDb();
  if (source.kind === "whole") {
    yield await queryRows(db, source.query());
    return;
  }
  const client = await postgresClient(db);
  if (client) {
    const q = dialect.sqlToQuery(source.query(null));
    // biome-ignore lint/suspicious/noExplicitAny: postgres.js types parameters narrower than drizzle's unknown[]
    for await (const rows of client.unsafe(q.sql, q.params as any[]).cursor(pageSize)) yield rows as Row[];
    return;
  }
  let after: Keyset | null = null;
  for (;;) {
    const rows = await queryRows(db, sql`${source.query(after)} limit ${pageSize}`);
    if (rows.length) yield rows;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1] as Row;
    after = { k1: String(last._k1), k2: String(last._k2) };
  }
}

/** A UTC timestamp column as fixed-width ISO 8601 text (sorts and compares like the instant). */
export const iso = (col: string) =>
  sql.raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/** A UTC day of a timestamp column as YYYY-MM-DD. */
export const day = (col: string) => sql.raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD')`);

/**
 * What a message cost: the provider's (or recorded) cost, else the estimate for
 * messages that went out; nothing for those never attempted. One definition for
 * every report, so the ledger can replace it in one place.
 */
export const MESSAGE_COST = (alias = "m") =>
  sql.raw(
    `coalesce(${alias}.cost, case when ${alias}.status in ('rejected', 'cancelled', 'scheduled', 'queued') then 0 else ${alias}.estimated_cost end, 0)`,
  );

/** A sum of money in the database, read as exact decimal text with 6 places. */
export const moneySum = (expr: SQL) => sql`(coalesce(sum(${expr}), 0))::numeric(20, 6)::text`;

/** Exact decimal text → a JSON number of at most 6 decimals (parsed once, never accumulated). */
export const money = (v: unknown): number => Number(Number(String(v ?? "0")).toFixed(6));

/** Money for people: at least 2 decimals, up to 6 when the amount needs them (0.00615 stays 0.00615). */
export function formatAmount(v: number): string {
  const s = v.toFixed(6).replace(/0+$/, "");
  const [int, frac = ""] = s.split(".");
  return `${int}.${frac.padEnd(2, "0")}`;
}

/** A parameter as an SQL literal, for COPY, which takes no bind parameters. */
function literal(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "bigint") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  const text = v instanceof Date ? v.toISOString() : String(v);
  if (text.includes("\0")) throw new Error("NUL in a COPY parameter");
  // standard_conforming_strings is on (the default since PostgreSQL 9.1): only quotes need doubling.
  return `'${text.replaceAll("'", "''")}'`;
}

/** The query's text with each $n replaced by its parameter as a literal. */
function inlined(q: SQL): string {
  const { sql: text, params } = dialect.sqlToQuery(q);
  return text.replace(/\$(\d+)/g, (_, n: string) => literal(params[Number(n) - 1]));
}

/**
 * A cell as CSV text the way lib/csv writes it: empty for null and "" (NULL
 * in COPY's CSV is an empty unquoted field), and a leading `'` before what a
 * spreadsheet would run as a formula. PostgreSQL's CSV writer then quotes.
 */
const csvCell = (column: string) => {
  const v = `nullif(q.${JSON.stringify(column)}::text, '')`;
  return `case when left(${v}, 1) in ('=', '+', '-', '@', E'\\t', E'\\r') then '''' || ${v} else ${v} end`;
};

const COPY_CHUNK = 64 * 1024;

/**
 * On postgres.js, a keyset source's rows as CSV bytes from COPY … TO STDOUT:
 * PostgreSQL formats and quotes every cell (RFC 4180, "\n" line ends) and the
 * bytes pass through in 64 KB chunks, so this process does no per-row work.
 * Null on PGlite (no COPY to a client stream), where readPages serves instead.
 */
export async function copyCsv(
  source: KeysetSource,
  columns: string[],
): Promise<AsyncIterable<Buffer> | null> {
  if ((await databaseMode()) !== "postgres") return null;
  const text = `copy (select ${columns.map(csvCell).join(", ")} from (${inlined(source.query(null))}) q) to stdout with (format csv)`;
  // A connection of its own, closed when the export ends: a COPY stream left
  // mid-protocol (a reader that stops early) then never stalls the shared
  // pool — seen as a 30 s wait of the next query that drew that connection.
  const { default: postgres } = await import("postgres");
  const client = postgres(config().databaseUrl as string, { max: 1, onnotice: () => {} });
  let stream: AsyncIterable<Buffer>;
  try {
    stream = (await client.unsafe(text).readable()) as AsyncIterable<Buffer>;
  } catch (e) {
    await client.end({ timeout: 1 });
    throw e;
  }
  return (async function* () {
    try {
      let parts: Buffer[] = [];
      let size = 0;
      for await (const chunk of stream) {
        parts.push(chunk);
        size += chunk.length;
        if (size >= COPY_CHUNK) {
          yield parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size);
          parts = [];
          size = 0;
        }
      }
      if (size) yield Buffer.concat(parts, size);
    } finally {
      await client.end({ timeout: 1 });
    }
  })();
}
