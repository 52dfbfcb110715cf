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
    await recordAudit(tx, ctx, {
      action: "api_key.revoked",
      resourceType: "api_key",
      resourceId: id,
      changes: { name: existing.name, prefix: existing.prefix },
    });
    return row ?? existing;
  });
}

/** Resolves a bearer key to its organisation context, or null when unknown or revoked. */
export async function authenticateApiKey(key: string, ip: string | null): Promise<Ctx | null> {
  if (!key.startsWith(KEY_PREFIX)) return null;
  const db = await getDb();
  const [row] = await db
    .select({ key: apiKeys, orgName: organisations.name })
    .from(apiKeys)
    .innerJoin(organisations, eq(organisations.id, apiKeys.orgId))
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)));
  if (!row) return null;
  // last_used_at is informational: at most one write a minute per key.
  const last = row.key.lastUsedAt?.getTime() ?? 0;
  if (Date.now() - last > 60_000) {
    await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, row.key.id));
  }
  return {
    orgId: row.key.orgId,
    role: row.key.role,
    actor: { type: "api_key", id: row.key.id, label: `${row.key.name} (${row.key.prefix}…)` },
    ip,
  };
}
