import { and, eq, ilike } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { type Executor, getDb } from "@/lib/db";
import { type Suppression, suppressions } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { keyset, toPage } from "@/lib/pagination";
import { recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";

/** Puts an email address on the suppression list (idempotent); called for hard bounces and complaints. */
export async function suppress(
  db: Executor,
  input: {
    orgId: string;
    address: string;
    reason: string;
    providerId?: string | null;
    webhookEventId?: string | null;
    detail?: string | null;
  },
): Promise<void> {
  await db
    .insert(suppressions)
    .values({
      orgId: input.orgId,
      address: input.address.trim().toLowerCase(),
      reason: input.reason,
      providerId: input.providerId ?? null,
      webhookEventId: input.webhookEventId ?? null,
      detail: input.detail ?? null,
    })
    .onConflictDoNothing();
}

export async function addSuppression({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { address: string; reason?: string };
}) {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  return db.transaction(async (tx) => {
    await suppress(tx, {
      orgId: ctx.orgId,
      address: input.address,
      reason: "manual",
      detail: input.reason ?? null,
    });
    const [row] = await tx
      .select()
      .from(suppressions)
      .where(
        and(eq(suppressions.orgId, ctx.orgId), eq(suppressions.address, input.address.trim().toLowerCase())),
      );
    if (!row) throw new AppError("internal_error", "suppression could not be stored");
    await recordAudit(tx, ctx, {
      action: "suppression.created",
      resourceType: "suppression",
      resourceId: row.id,
      changes: { address: row.address },
    });
    return row;
  });
}

export async function listSuppressions({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { limit: number; cursor?: string; q?: string };
}) {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  const page = keyset(suppressions.createdAt, suppressions.id, input.cursor);
  const rows = await db
    .select()
    .from(suppressions)
    .where(
      and(
        eq(suppressions.orgId, ctx.orgId),
        input.q ? ilike(suppressions.address, `%${input.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`) : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  return toPage(rows, input.limit);
}

/** Removes an address from the suppression list so it can be sent to again. */
export async function removeSuppression({ ctx, id }: { ctx: Ctx; id: string }): Promise<Suppression> {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(suppressions)
      .where(and(eq(suppressions.id, id), eq(suppressions.orgId, ctx.orgId)))
      .returning();
    if (!row) throw AppError.notFound("Suppression");
    await recordAudit(tx, ctx, {
      action: "suppression.removed",
      resourceType: "suppression",
      resourceId: id,
      changes: { address: row.address },
    });
    return row;
  });
}
