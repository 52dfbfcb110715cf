import { and, asc, eq, inArray } from "drizzle-orm";
import type { z } from "zod";
import { requirePermission } from "@/lib/auth/permissions";
import { decryptJson, encryptJson, mask } from "@/lib/crypto";
import { type Executor, getDb } from "@/lib/db";
import { type Provider, providerCircuits, providers } from "@/lib/db/schema";
import { AppError, type FieldIssue } from "@/lib/errors";
import { configuredUrlProblem, literalRefusal } from "@/lib/net/egress";
import { adapterFor } from "@/lib/providers/registry";
import { channelOf, type ProviderType, type Sender } from "@/lib/providers/types";
import { diff, recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";
import { getOrganisation } from "@/lib/services/orgs/organisations";
import { normalizePhone } from "@/lib/services/sms/phone";
import type { ProviderCreate, ProviderUpdate } from "@/lib/validation/providers";
import { circuitView } from "./circuit";
import { sentToday } from "./usage";

/** Provider row of this organisation, or NotFound. */
export async function getProviderInOrg(db: Executor, ctx: Ctx, id: string): Promise<Provider> {
  const [row] = await db
    .select()
    .from(providers)
    .where(and(eq(providers.id, id), eq(providers.orgId, ctx.orgId)));
  if (!row) throw AppError.notFound("Provider");
  return row;
}

function issues(prefix: string, error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ field: [prefix, ...i.path.map(String)].join("."), message: i.message }));
}

/** Checks type-specific config, credentials and sender; returns their parsed forms or throws 400 naming each field. */
async function validateTypeSpecific(
  db: Executor,
  ctx: Ctx,
  type: ProviderType,
  input: { config: Record<string, unknown>; credentials: Record<string, unknown>; sender: Sender },
) {
  const adapter = adapterFor(type);
  const config = adapter.configSchema.safeParse(input.config);
  const credentials = adapter.credentialsSchema.safeParse(input.credentials);
  const problems: FieldIssue[] = [
    ...(config.success ? [] : issues("config", config.error)),
    ...(credentials.success ? [] : issues("credentials", credentials.error)),
  ];
  const sender: Sender = { ...input.sender };
  const channel = channelOf(type);
  if (channel === "email" && type !== "sandbox" && !sender.email) {
    problems.push({ field: "sender.email", message: "is required for an email provider" });
  }
  if (channel === "sms" && sender.phone) {
    try {
      const org = await getOrganisation(db, ctx.orgId);
      sender.phone = normalizePhone(sender.phone, org.defaultRegion, "sender.phone");
    } catch (e) {
      if (e instanceof AppError && Array.isArray(e.details)) problems.push(...(e.details as FieldIssue[]));
      else throw e;
    }
  }
  const hasServiceSid =
    type === "twilio" && Boolean((input.config as { messaging_service_sid?: string }).messaging_service_sid);
  if (channel === "sms" && type !== "console" && !sender.phone && !sender.sender_id && !hasServiceSid) {
    problems.push({
      field: "sender.phone",
      message: "a phone number or sender ID is required for an SMS provider",
    });
  }
  if (config.success) problems.push(...(await egressProblems(type, config.data as Record<string, unknown>)));
  if (problems.length) throw AppError.validation(problems);
  return {
    config: (config.data ?? {}) as Record<string, unknown>,
    credentials: (credentials.data ?? {}) as Record<string, unknown>,
    sender,
  };
}

/**
 * A base_url or SMTP host the egress policy would refuse is refused when saved
 * (SPEC §1 EGRESS_ALLOW_PRIVATE), so the admin hears it now rather than at the
 * first send; every connection is checked again after DNS resolution.
 */
async function egressProblems(type: ProviderType, config: Record<string, unknown>): Promise<FieldIssue[]> {
  const problems: FieldIssue[] = [];
  if (typeof config.base_url === "string") {
    const problem = await configuredUrlProblem(config.base_url);
    if (problem) problems.push({ field: "config.base_url", message: problem });
  }
  if (type === "smtp" && typeof config.host === "string") {
    const refused = literalRefusal(config.host);
    if (refused) problems.push({ field: "config.host", message: refused.message });
  }
  return problems;
}

/** Decrypted credentials of a provider, for sending only. */
export function providerCredentials(p: Provider): Record<string, unknown> {
  return p.credentialsEncrypted ? decryptJson<Record<string, unknown>>(p.credentialsEncrypted) : {};
}

function sealed(credentials: Record<string, unknown>): string | null {
  return Object.keys(credentials).length ? encryptJson(credentials) : null;
}

function maskedCredentials(p: Provider): Record<string, string> {
  const creds = providerCredentials(p);
  return Object.fromEntries(
    Object.entries(creds)
      .filter(([, v]) => v !== undefined && v !== "")
      .map(([k, v]) => [k, mask(v)]),
  );
}

/** One default per channel: making a provider the default clears the flag elsewhere. */
async function clearOtherDefaults(tx: Executor, ctx: Ctx, channel: "email" | "sms", keepId: string) {
  const others = await tx
    .select({ id: providers.id })
    .from(providers)
    .where(
      and(eq(providers.orgId, ctx.orgId), eq(providers.channel, channel), eq(providers.isDefault, true)),
    );
  const ids = others.map((o) => o.id).filter((id) => id !== keepId);
  if (ids.length) await tx.update(providers).set({ isDefault: false }).where(inArray(providers.id, ids));
}

/** Creates a provider; credentials are encrypted before they reach the database. */
export async function createProvider({ ctx, input }: { ctx: Ctx; input: ProviderCreate }): Promise<Provider> {
  requirePermission(ctx, "providers:write");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const checked = await validateTypeSpecific(tx, ctx, input.type, input);
    const [row] = await tx
      .insert(providers)
      .values({
        orgId: ctx.orgId,
        name: input.name,
        type: input.type,
        channel: channelOf(input.type),
        priority: input.priority,
        enabled: input.enabled,
        isDefault: input.is_default,
        dailyLimit: input.daily_limit,
        costPerUnit: input.cost_per_unit,
        currency: input.currency,
        failureThreshold: input.failure_threshold,
        resetTimeoutS: input.reset_timeout_s,
        sender: checked.sender,
        config: checked.config,
        credentialsEncrypted: sealed(checked.credentials),
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw AppError.validation([{ field: "name", message: "is already used by another provider" }]);
    await tx.insert(providerCircuits).values({ providerId: row.id });
    if (row.isDefault) await clearOtherDefaults(tx, ctx, row.channel, row.id);
    await recordAudit(tx, ctx, {
      action: "provider.created",
      resourceType: "provider",
      resourceId: row.id,
      changes: { ...input, credentials: Object.keys(checked.credentials) },
    });
    return row;
  });
}

/** Updates a provider; credential fields left out keep their stored values. */
export async function updateProvider({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: ProviderUpdate;
}): Promise<Provider> {
  requirePermission(ctx, "providers:write");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const before = await getProviderInOrg(tx, ctx, id);
    const mergedCredentials = { ...providerCredentials(before), ...(input.credentials ?? {}) };
    for (const [k, v] of Object.entries(input.credentials ?? {})) if (v === null) delete mergedCredentials[k];
    const checked = await validateTypeSpecific(tx, ctx, before.type, {
      config: input.config ?? before.config,
      credentials: mergedCredentials,
      sender: input.sender ?? before.sender,
    });
    const values = {
      name: input.name ?? before.name,
      priority: input.priority ?? before.priority,
      enabled: input.enabled ?? before.enabled,
      isDefault: input.is_default ?? before.isDefault,
      dailyLimit: input.daily_limit === undefined ? before.dailyLimit : input.daily_limit,
      costPerUnit: input.cost_per_unit ?? before.costPerUnit,
      currency: input.currency ?? before.currency,
      failureThreshold: input.failure_threshold ?? before.failureThreshold,
      resetTimeoutS: input.reset_timeout_s ?? before.resetTimeoutS,
      sender: checked.sender,
      config: checked.config,
    };
    const [row] = await tx
      .update(providers)
      .set({ ...values, ...(input.credentials ? { credentialsEncrypted: sealed(checked.credentials) } : {}) })
      .where(eq(providers.id, id))
      .returning();
    if (!row) throw AppError.notFound("Provider");
    if (row.isDefault && !before.isDefault) await clearOtherDefaults(tx, ctx, row.channel, row.id);
    const { sender: _s, config: _c, ...plainBefore } = before;
    const changes: Record<string, unknown> = diff(
      { ...plainBefore, sender: before.sender, config: before.config },
      { ...values },
    );
    if (input.credentials) changes.credentials = Object.keys(input.credentials);
    await recordAudit(tx, ctx, {
      action: "provider.updated",
      resourceType: "provider",
      resourceId: id,
      changes,
    });
    return row;
  });
}

/** Deletes a provider; messages keep their record of it by type. */
export async function deleteProvider({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  requirePermission(ctx, "providers:write");
  const db = await getDb();
  await db.transaction(async (tx) => {
    const before = await getProviderInOrg(tx, ctx, id);
    await tx.delete(providers).where(eq(providers.id, id));
    await recordAudit(tx, ctx, {
      action: "provider.deleted",
      resourceType: "provider",
      resourceId: id,
      changes: { name: before.name, type: before.type },
    });
  });
}

/** Sets priorities 1…n in the given order (the rest keep theirs). */
export async function reorderProviders({ ctx, ids }: { ctx: Ctx; ids: string[] }): Promise<void> {
  requirePermission(ctx, "providers:write");
  const db = await getDb();
  await db.transaction(async (tx) => {
    for (const [i, id] of ids.entries()) {
      await getProviderInOrg(tx, ctx, id);
      await tx
        .update(providers)
        .set({ priority: i + 1 })
        .where(eq(providers.id, id));
    }
    await recordAudit(tx, ctx, {
      action: "provider.reordered",
      resourceType: "provider",
      changes: { order: ids },
    });
  });
}

/** The organisation's providers of a channel (or all), in priority order. */
export async function listProviderRows(
  db: Executor,
  orgId: string,
  channel?: "email" | "sms",
): Promise<Provider[]> {
  return db
    .select()
    .from(providers)
    .where(and(eq(providers.orgId, orgId), channel ? eq(providers.channel, channel) : undefined))
    .orderBy(asc(providers.priority), asc(providers.createdAt));
}

/** Providers with circuit and usage, as the API and pages show them. */
export async function listProviders({ ctx, channel }: { ctx: Ctx; channel?: "email" | "sms" }) {
  requirePermission(ctx, "providers:read");
  const db = await getDb();
  return describeProviders(db, await listProviderRows(db, ctx.orgId, channel));
}

export async function getProvider({ ctx, id }: { ctx: Ctx; id: string }) {
  requirePermission(ctx, "providers:read");
  const db = await getDb();
  const [described] = await describeProviders(db, [await getProviderInOrg(db, ctx, id)]);
  if (!described) throw AppError.notFound("Provider");
  return described;
}

async function describeProviders(db: Executor, rows: Provider[]) {
  const ids = rows.map((r) => r.id);
  const circuits = ids.length
    ? await db.select().from(providerCircuits).where(inArray(providerCircuits.providerId, ids))
    : [];
  const byId = new Map(circuits.map((c) => [c.providerId, c]));
  const usage = await sentToday(db, ids);
  return rows.map((p) => ({ provider: p, circuit: byId.get(p.id) ?? null, sentToday: usage.get(p.id) ?? 0 }));
}

export type DescribedProvider = Awaited<ReturnType<typeof describeProviders>>[number];

export function toProviderJson({ provider: p, circuit, sentToday: sent }: DescribedProvider) {
  return {
    id: p.id,
    name: p.name,
    type: p.type,
    channel: p.channel,
    priority: p.priority,
    enabled: p.enabled,
    is_default: p.isDefault,
    daily_limit: p.dailyLimit,
    cost_per_unit: p.costPerUnit,
    currency: p.currency,
    failure_threshold: p.failureThreshold,
    reset_timeout_s: p.resetTimeoutS,
    sender: p.sender as Record<string, string>,
    config: p.config,
    credentials: maskedCredentials(p),
    circuit: circuitView(circuit),
    sent_today: sent,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

/** Per channel, each provider's priority, circuit, failures and sends today against its limit. */
export async function providerHealth({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx, "providers:read");
  const all = await listProviders({ ctx });
  const item = ({ provider: p, circuit, sentToday: sent }: DescribedProvider) => ({
    id: p.id,
    name: p.name,
    type: p.type,
    priority: p.priority,
    enabled: p.enabled,
    circuit: circuit?.state ?? ("closed" as const),
    failure_count: circuit?.failureCount ?? 0,
    sent_today: sent,
    daily_limit: p.dailyLimit,
    last_error: circuit?.lastError ?? null,
  });
  return {
    email: all.filter((d) => d.provider.channel === "email").map(item),
    sms: all.filter((d) => d.provider.channel === "sms").map(item),
  };
}

/** Every new organisation starts with the sandbox email and console SMS providers at priority 100. */
export async function createDefaultProviders(tx: Executor, orgId: string): Promise<void> {
  const rows = await tx
    .insert(providers)
    .values([
      {
        orgId,
        name: "Sandbox email",
        type: "sandbox" as const,
        channel: "email" as const,
        priority: 100,
        isDefault: true,
        sender: { email: "no-reply@switchboard.local", name: "Switchboard" },
      },
      {
        orgId,
        name: "Console SMS",
        type: "console" as const,
        channel: "sms" as const,
        priority: 100,
        isDefault: true,
        sender: { sender_id: "Switchboard" },
      },
    ])
    .onConflictDoNothing()
    .returning({ id: providers.id });
  if (rows.length) await tx.insert(providerCircuits).values(rows.map((r) => ({ providerId: r.id })));
}
