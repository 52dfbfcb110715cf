import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { type ApiKey, apiKeys, organisations } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { keyset, type Page, toPage } from "@/lib/pagination";
import { recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";
import type { ApiKeyCreate, ApiKeyQuery } from "@/lib/validation/api-keys";

const KEY_PREFIX = "sb_";
const PREFIX_SHOWN = 11;

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Creates an API key; the plaintext key is returned here once and never stored. */
export async function createApiKey({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ApiKeyCreate;
}): Promise<{ apiKey: ApiKey; key: string }> {
  requirePermission(ctx, "apikeys:manage");
  const key = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const db = await getDb();
  const apiKey = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({
        orgId: ctx.orgId,
        name: input.name,
        role: input.role,
        prefix: key.slice(0, PREFIX_SHOWN),
        keyHash: hashApiKey(key),
        createdByUserId: ctx.actor.type === "user" ? ctx.actor.id : null,
      })
      .returning();
    if (!row) throw new AppError("internal_error", "API key could not be created");
    await recordAudit(tx, ctx, {
      action: "api_key.created",
      resourceType: "api_key",
      resourceId: row.id,
      changes: { name: input.name, role: input.role, prefix: row.prefix },
    });
    return row;
  });
  return { apiKey, key };
}

/** Lists the organisation's API keys, newest first. */
export async function listApiKeys({ ctx, input }: { ctx: Ctx; input: ApiKeyQuery }): Promise<Page<ApiKey>> {
  requirePermission(ctx, "apikeys:manage");
  const db = await getDb();
  const page = keyset(apiKeys.createdAt, apiKeys.id, input.cursor);
  const rows = await db
    .select()
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.orgId, ctx.orgId),
        input.include_revoked ? undefined : isNull(apiKeys.revokedAt),
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  return toPage(rows, input.limit);
}

/** Revokes a key of this organisation; revoking twice is harmless. */
export async function revokeApiKey({ ctx, id }: { ctx: Ctx; id: string }): Promise<ApiKey> {
  requirePermission(ctx, "apikeys:manage");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, id), eq(apiKeys.orgId, ctx.orgId)));
    if (!existing) throw AppError.notFound("API key");
    if (existing.revokedAt) return existing;
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(eq(apiKeys.id, id))
      .returning();
    forgetCachedKeys(id);
    await recordAudit(tx, ctx, {
      action: "api_key.revoked",
      resourceType: "api_key",
      resourceId: id,
      changes: { name: existing.name, prefix: existing.prefix },
    });
    return row ?? existing;
  });
}

/**
 * Keys looked up in the last few seconds, by hash: a busy key costs no database
 * round trip per request. A revocation clears this process's entry at once and
 * reaches every other instance within KEY_CACHE_MS (SPEC: within 5 s).
 */
export const KEY_CACHE_MS = 4_000;
const keyCache = new Map<string, { ctx: Omit<Ctx, "ip">; keyId: string; until: number }>();

/** Forgets cached lookups (a revocation here, or tests). */
export function forgetCachedKeys(keyId?: string): void {
  if (!keyId) {
    keyCache.clear();
    return;
  }
  for (const [hash, entry] of keyCache) if (entry.keyId === keyId) keyCache.delete(hash);
}

/** Resolves a bearer key to its organisation context, or null when unknown or revoked. */
export async function authenticateApiKey(key: string, ip: string | null): Promise<Ctx | null> {
  if (!key.startsWith(KEY_PREFIX)) return null;
  const hash = hashApiKey(key);
  const now = Date.now();
  const hit = keyCache.get(hash);
  if (hit && hit.until > now) return { ...hit.ctx, ip };
  const db = await getDb();
  const [row] = await db
    .select({ key: apiKeys, orgName: organisations.name })
    .from(apiKeys)
    .innerJoin(organisations, eq(organisations.id, apiKeys.orgId))
    .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)));
  if (!row) {
    keyCache.delete(hash);
    return null;
  }
  // last_used_at is informational: at most one write a minute per key.
  const last = row.key.lastUsedAt?.getTime() ?? 0;
  if (now - last > 60_000) {
    await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, row.key.id));
  }
  const ctx: Omit<Ctx, "ip"> = {
    orgId: row.key.orgId,
    role: row.key.role,
    actor: { type: "api_key", id: row.key.id, label: `${row.key.name} (${row.key.prefix}…)` },
  };
  if (keyCache.size > 10_000) keyCache.clear();
  keyCache.set(hash, { ctx, keyId: row.key.id, until: now + KEY_CACHE_MS });
  return { ...ctx, ip };
}
