import { and, type Column, desc, eq, lt, or, type SQL } from "drizzle-orm";
import { AppError } from "@/lib/errors";

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

interface Cursor {
  at: Date;
  id: string;
}

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString("base64url");
}

export function decodeCursor(cursor: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    const date = new Date(String(at));
    if (typeof id !== "string" || Number.isNaN(date.getTime())) throw new Error("bad cursor");
    return { at: date, id };
  } catch {
    throw AppError.validation([{ field: "cursor", message: "is not a cursor returned by this API" }]);
  }
}

/** Keyset paging, newest first, on (created_at, id). */
export function keyset(createdAt: Column, id: Column, cursor: string | undefined) {
  const where: SQL | undefined = cursor
    ? (() => {
        const c = decodeCursor(cursor);
        return or(lt(createdAt, c.at), and(eq(createdAt, c.at), lt(id, c.id)));
      })()
    : undefined;
  return { where, orderBy: [desc(createdAt), desc(id)] };
}

/** Turns limit+1 fetched rows into a page and its next cursor. */
export function toPage<T extends { createdAt: Date; id: string }>(rows: T[], limit: number): Page<T> {
  const more = rows.length > limit;
  const data = more ? rows.slice(0, limit) : rows;
  const last = data.at(-1);
  return { data, nextCursor: more && last ? encodeCursor(last.createdAt, last.id) : null };
}
