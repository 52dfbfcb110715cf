import { and, desc, eq, ilike, inArray, isNull, or } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { type Executor, getDb } from "@/lib/db";
import { type OptOut, optOuts, suppressions } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { keyset, toPage } from "@/lib/pagination";
import { recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";
import { getOrganisation } from "@/lib/services/orgs/organisations";
import { emitOutgoingEvent } from "@/lib/services/outgoing-webhooks/outbox";
import { normalizePhone } from "@/lib/services/sms/phone";
import type { OptOutBody, OptOutQuery } from "@/lib/validation/consent";
import { emailSchema } from "@/lib/validation/users";

/** Categories a category-level opt-out never blocks; only a full opt-out (STOP) does. */
export const EXEMPT_CATEGORIES = new Set(["transactional", "otp"]);

/** An email lowercased, or a phone number in E.164 (organisation default region for national numbers). */
export async function normaliseAddress(
  db: Executor,
  orgId: string,
  channel: "email" | "sms",
  address: string,
  field = "address",
) {
  if (channel === "email") {
    const parsed = emailSchema.safeParse(address);
    if (!parsed.success)
      throw new AppError(
        "invalid_address",
        `${field} must be an email address`,
        [{ field, message: "must be an email address" }],
        422,
      );
    return parsed.data;
  }
  const org = await getOrganisation(db, orgId);
  return normalizePhone(address, org.defaultRegion, field);
}

export type ConsentVerdict = { ok: true } | { ok: false; code: "opted_out" | "suppressed"; reason: string };

/**
 * Consent for many recipients at once (one query each for opt-outs and
 * suppressions): a full opt-out blocks everything, a category opt-out blocks
 * that category except transactional/OTP, and a suppressed email blocks all email.
 */
export async function consentChecker(
  db: Executor,
  orgId: string,
  channel: "email" | "sms",
  addresses: string[],
) {
  const unique = [...new Set(addresses)];
  const outs = unique.length
    ? await db
        .select()
        .from(optOuts)
        .where(and(eq(optOuts.orgId, orgId), eq(optOuts.channel, channel), inArray(optOuts.address, unique)))
    : [];
  const suppressed =
    channel === "email" && unique.length
      ? await db
          .select()
          .from(suppressions)
          .where(and(eq(suppressions.orgId, orgId), inArray(suppressions.address, unique)))
      : [];
  const byAddress = new Map<string, OptOut[]>();
  for (const o of outs) byAddress.set(o.address, [...(byAddress.get(o.address) ?? []), o]);
  const suppressedBy = new Map(suppressed.map((s) => [s.address, s]));
  return (address: string, category: string): ConsentVerdict => {
    const s = suppressedBy.get(address);
    if (s) return { ok: false, code: "suppressed", reason: `suppressed (${s.reason})` };
    const list = byAddress.get(address) ?? [];
    const full = list.find((o) => o.category === null);
    if (full) return { ok: false, code: "opted_out", reason: `opted out of all ${channel}` };
    if (!EXEMPT_CATEGORIES.has(category) && list.some((o) => o.category === category)) {
      return { ok: false, code: "opted_out", reason: `opted out of ${category} ${channel}` };
    }
    return { ok: true };
  };
}

/** Throws the 422 a single send answers when consent is missing. */
export function assertConsent(verdict: ConsentVerdict, field = "to"): void {
  if (verdict.ok) return;
  throw new AppError(
    verdict.code,
    `The recipient is ${verdict.reason}`,
    [{ field, message: `is ${verdict.reason}` }],
    422,
  );
}

/** Records an opt-out (idempotent); a full opt-out keeps category ones as history. */
export async function optOut({
  ctx,
  input,
  source,
  db: given,
}: {
  ctx: Ctx;
  input: OptOutBody;
  source: string;
  db?: Executor;
}): Promise<OptOut> {
  requirePermission(ctx, "content:write");
  const db = given ?? (await getDb());
  const address = await normaliseAddress(db, ctx.orgId, input.channel, input.address);
  const category = input.category ?? null;
  const [row] = await db
    .insert(optOuts)
    .values({
      orgId: ctx.orgId,
      address,
      channel: input.channel,
      category,
      reason: input.reason ?? null,
      source,
    })
    .onConflictDoUpdate({
      target: [optOuts.orgId, optOuts.address, optOuts.channel, optOuts.category],
      set: { reason: input.reason ?? null, source, updatedAt: new Date() },
    })
    .returning();
  if (!row) throw new AppError("internal_error", "opt-out could not be stored");
  await recordAudit(db, ctx, {
    action: "opt_out.created",
    resourceType: "opt_out",
    resourceId: row.id,
    changes: { address, channel: input.channel, category, source },
  });
  await emitOutgoingEvent(db, ctx.orgId, "opt_out.created", {
    id: row.id,
    address,
    channel: input.channel,
    category,
    reason: row.reason,
    source,
    created_at: row.createdAt.toISOString(),
  });
  return row;
}

/** Opts back in: removes the category's opt-out, or every opt-out of the address and channel when no category is given. */
export async function optIn({
  ctx,
  input,
  source,
  db: given,
}: {
  ctx: Ctx;
  input: Omit<OptOutBody, "reason">;
  source: string;
  db?: Executor;
}) {
  requirePermission(ctx, "content:write");
  const db = given ?? (await getDb());
  const address = await normaliseAddress(db, ctx.orgId, input.channel, input.address);
  const removed = await db
    .delete(optOuts)
    .where(
      and(
        eq(optOuts.orgId, ctx.orgId),
        eq(optOuts.address, address),
        eq(optOuts.channel, input.channel),
        input.category ? eq(optOuts.category, input.category) : undefined,
      ),
    )
    .returning({ id: optOuts.id });
  await recordAudit(db, ctx, {
    action: "opt_out.removed",
    resourceType: "opt_out",
    changes: {
      address,
      channel: input.channel,
      category: input.category ?? "all",
      source,
      removed: removed.length,
    },
  });
  if (removed.length)
    await emitOutgoingEvent(db, ctx.orgId, "opt_out.removed", {
      address,
      channel: input.channel,
      category: input.category ?? null,
      source,
      removed: removed.length,
    });
  return { address, channel: input.channel, removed: removed.length };
}

/** Opt-outs of the organisation, newest first, searchable by address. */
export async function listOptOuts({ ctx, input }: { ctx: Ctx; input: OptOutQuery }) {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  const page = keyset(optOuts.createdAt, optOuts.id, input.cursor);
  const rows = await db
    .select()
    .from(optOuts)
    .where(
      and(
        eq(optOuts.orgId, ctx.orgId),
        input.channel ? eq(optOuts.channel, input.channel) : undefined,
        input.address ? eq(optOuts.address, input.address.toLowerCase()) : undefined,
        input.q ? ilike(optOuts.address, `%${input.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`) : undefined,
        input.source ? eq(optOuts.source, input.source) : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  return toPage(rows, input.limit);
}

/** Is this address opted out of this channel (and category)? With the reason and since when. */
export async function checkOptOut({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { address: string; channel: "email" | "sms"; category?: string };
}) {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  const address = await normaliseAddress(db, ctx.orgId, input.channel, input.address);
  const category = input.category ?? null;
  const check = await consentChecker(db, ctx.orgId, input.channel, [address]);
  const verdict = check(address, category ?? "marketing");
  const [row] = await db
    .select()
    .from(optOuts)
    .where(
      and(
        eq(optOuts.orgId, ctx.orgId),
        eq(optOuts.address, address),
        eq(optOuts.channel, input.channel),
        category ? or(isNull(optOuts.category), eq(optOuts.category, category)) : isNull(optOuts.category),
      ),
    )
    .orderBy(desc(optOuts.createdAt))
    .limit(1);
  const [suppressed] =
    input.channel === "email"
      ? await db
          .select()
          .from(suppressions)
          .where(and(eq(suppressions.orgId, ctx.orgId), eq(suppressions.address, address)))
      : [];
  const optedOut = Boolean(suppressed) || Boolean(row) || !verdict.ok;
  return {
    address,
    channel: input.channel,
    category,
    opted_out: optedOut,
    reason: suppressed
      ? `suppressed (${suppressed.reason})`
      : (row?.reason ?? (row ? `opted out via ${row.source}` : null)),
    since: (suppressed?.createdAt ?? row?.createdAt)?.toISOString() ?? null,
  };
}

/** Every opt-out of the organisation as CSV rows, streamed in pages so memory stays flat. */
export async function* optOutCsvRows(ctx: Ctx): AsyncGenerator<string[]> {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  yield ["address", "channel", "category", "source", "reason", "created_at", "updated_at"];
  let cursor: string | undefined;
  do {
    const page = keyset(optOuts.createdAt, optOuts.id, cursor);
    const rows = await db
      .select()
      .from(optOuts)
      .where(and(eq(optOuts.orgId, ctx.orgId), page.where))
      .orderBy(...page.orderBy)
      .limit(1001);
    const p = toPage(rows, 1000);
    for (const o of p.data) {
      yield [
        o.address,
        o.channel,
        o.category ?? "all",
        o.source,
        o.reason ?? "",
        o.createdAt.toISOString(),
        o.updatedAt.toISOString(),
      ];
    }
    cursor = p.nextCursor ?? undefined;
  } while (cursor);
}
