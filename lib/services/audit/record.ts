import type { Executor } from "@/lib/db";
import { auditLog } from "@/lib/db/schema";
import type { Ctx } from "@/lib/services/context";

const SECRET_FIELD = /(password|secret|token|api_?key|key_?hash|credential|authorization|private)/i;

/** Replaces values of secret-looking fields, at any depth, with "[redacted]". */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) ? "[redacted]" : redact(v)]),
    );
  }
  return value;
}

/** Field-by-field difference of two records as {field: {from, to}}. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>) {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      changes[key] = { from: before[key], to: after[key] };
    }
  }
  return changes;
}

export interface AuditInput {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  changes?: Record<string, unknown>;
}

/** Writes one audit row; call it with the transaction that makes the change. */
export async function recordAudit(tx: Executor, ctx: Ctx, input: AuditInput): Promise<void> {
  await tx.insert(auditLog).values({
    orgId: ctx.orgId,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    actorLabel: ctx.actor.label,
    action: input.action,
    resourceType: input.resourceType,
    resourceId: input.resourceId ?? null,
    ip: ctx.ip,
    changes: input.changes ? (redact(input.changes) as Record<string, unknown>) : null,
  });
}
