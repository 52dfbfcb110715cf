import { createHash } from "node:crypto";
import { and, eq, lt } from "drizzle-orm";
import { type Executor, getDb, type Tx } from "@/lib/db";
import { idempotencyKeys } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

const TTL_MS = 24 * 3600 * 1000;

export function requestHash(operation: string, input: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify([operation, input]))
    .digest("hex");
}

async function stored(db: Executor, ctx: Ctx, key: string, hash: string) {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.orgId, ctx.orgId), eq(idempotencyKeys.key, key)));
  if (!row) return null;
  if (row.createdAt.getTime() < Date.now() - TTL_MS) return null;
  if (row.requestHash !== hash) {
    throw AppError.conflict("Idempotency-Key was already used with a different request", {
      field: "Idempotency-Key",
    });
  }
  return row.responseBody;
}

/**
 * Runs `work` once per (organisation, Idempotency-Key) within 24 h: the same key
 * and request replay the first answer; the same key with another request is a
 * 409. The key is stored in the transaction that does the work, so a crash
 * leaves neither.
 */
export async function withIdempotency<T>(
  ctx: Ctx,
  key: string | null | undefined,
  hash: string,
  work: (tx: Tx) => Promise<T>,
): Promise<{ result: T; replayed: boolean; after: () => Promise<void> }> {
  const db = await getDb();
  if (!key) {
    const result = await db.transaction(work);
    return { result, replayed: false, after: async () => {} };
  }
  if (key.length > 255)
    throw AppError.validation([{ field: "Idempotency-Key", message: "must be at most 255 characters" }]);
  const previous = await stored(db, ctx, key, hash);
  if (previous) return { result: previous as T, replayed: true, after: async () => {} };
  try {
    const result = await db.transaction(async (tx) => {
      await tx
        .delete(idempotencyKeys)
        .where(
          and(
            eq(idempotencyKeys.orgId, ctx.orgId),
            eq(idempotencyKeys.key, key),
            lt(idempotencyKeys.createdAt, new Date(Date.now() - TTL_MS)),
          ),
        );
      const value = await work(tx);
      await tx.insert(idempotencyKeys).values({
        orgId: ctx.orgId,
        key,
        requestHash: hash,
        responseStatus: 202,
        responseBody: value as object,
      });
      return value;
    });
    return { result, replayed: false, after: async () => {} };
  } catch (e) {
    // A concurrent request with the same key committed first.
    if (
      (e as { code?: string }).code === "23505" ||
      (e as { cause?: { code?: string } }).cause?.code === "23505"
    ) {
      const winner = await stored(db, ctx, key, hash);
      if (winner) return { result: winner as T, replayed: true, after: async () => {} };
    }
    throw e;
  }
}
