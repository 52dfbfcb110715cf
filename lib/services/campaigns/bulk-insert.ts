import { getTableColumns, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { messages } from "@/lib/db/schema";
import { rowsOf } from "@/lib/jobs/runner";

type NewMessage = typeof messages.$inferInsert;

const columns = getTableColumns(messages);
/** The database's column name: the schema is written camelCase and the client maps it to snake_case. */
const dbName = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Inserts message rows in one statement however many there are: the rows go
 * as a single jsonb parameter expanded by jsonb_populate_recordset, so there is
 * no bind-parameter limit and no per-row statement. Rows that would break a
 * unique constraint (a campaign recipient frozen before) are skipped; answers
 * the rows inserted. Columns no row sets keep their defaults.
 */
export async function insertMessagesBulk(
  db: Executor,
  rows: NewMessage[],
): Promise<{ id: string; status: string; error: string | null }[]> {
  if (rows.length === 0) return [];
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter(
    (k): k is keyof typeof columns => k in columns,
  );
  for (const k of keys) {
    const column = columns[k];
    if (column.notNull && column.hasDefault && rows.some((r) => r[k] === undefined))
      throw new Error(`insertMessagesBulk: every row must set ${k} or none`);
  }
  const names = keys.map((k) => sql.identifier(dbName(k)));
  const json = JSON.stringify(
    rows.map((r) => Object.fromEntries(keys.map((k) => [dbName(k), r[k] ?? null]))),
  );
  const result = await db.execute(sql`
    insert into messages (${sql.join(names, sql`, `)})
    select ${sql.join(names, sql`, `)} from jsonb_populate_recordset(null::messages, ${json}::jsonb)
    on conflict do nothing
    returning id, status, error`);
  return rowsOf<{ id: string; status: string; error: string | null }>(result);
}
