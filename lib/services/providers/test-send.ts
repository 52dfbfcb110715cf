import { eq } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { messageAttempts, messages } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { ProviderError } from "@/lib/providers/types";
import { recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";
import { callProvider } from "@/lib/services/messages/deliver";
import { addMessageEvent } from "@/lib/services/messages/events";
import { getOrganisation } from "@/lib/services/orgs/organisations";
import { normalizePhone } from "@/lib/services/sms/phone";
import { countSegments } from "@/lib/services/sms/segments";
import type { ProviderTest } from "@/lib/validation/providers";
import { emailSchema } from "@/lib/validation/users";
import { getProviderInOrg } from "./providers";

/**
 * Sends a real test message through one provider — no failover, no circuit
 * bookkeeping — and reports the provider's answer or error.
 */
export async function testProvider({ ctx, id, input }: { ctx: Ctx; id: string; input: ProviderTest }) {
  requirePermission(ctx, "providers:write");
  const db = await getDb();
  const p = await getProviderInOrg(db, ctx, id);
  const org = await getOrganisation(db, ctx.orgId);
  let to: string;
  if (p.channel === "email") {
    const parsed = emailSchema.safeParse(input.to);
    if (!parsed.success) throw AppError.validation([{ field: "to", message: "must be an email address" }]);
    to = parsed.data;
  } else {
    to = normalizePhone(input.to, org.defaultRegion, "to");
  }
  const text = input.message ?? `Switchboard test from ${p.name} (${p.type}).`;
  const { segments, encoding } = countSegments(text);
  // A real, logged message sent through this provider only: it shows in the
  // messages log (and the outbox for sandbox/console) like any other.
  const [probe] = await db
    .insert(messages)
    .values({
      orgId: ctx.orgId,
      channel: p.channel,
      status: "sending",
      to,
      category: "transactional",
      metadata: { provider_test: true },
      ...(p.channel === "email"
        ? {
            subject: `Switchboard test: ${p.name}`,
            text,
            html: `<p>${text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`,
          }
        : { body: text, segments, encoding }),
    })
    .returning();
  if (!probe) throw new AppError("internal_error", "test message could not be stored");
  const started = Date.now();
  let outcome: {
    success: boolean;
    provider_message_id: string | null;
    response: unknown;
    error: string | null;
  };
  try {
    const r = await callProvider(p, probe);
    outcome = {
      success: true,
      provider_message_id: r.providerMessageId,
      response: r.response ?? null,
      error: null,
    };
  } catch (e) {
    const err =
      e instanceof ProviderError ? e : new ProviderError(e instanceof Error ? e.message : String(e), true);
    outcome = {
      success: false,
      provider_message_id: null,
      response: { status: err.status ?? null, code: err.providerCode ?? null },
      error: err.message,
    };
  }
  await db.insert(messageAttempts).values({
    orgId: ctx.orgId,
    messageId: probe.id,
    providerId: p.id,
    providerType: p.type,
    outcome: outcome.success ? "success" : "failure",
    error: outcome.error,
    response: outcome.response ?? null,
    durationMs: Date.now() - started,
  });
  await db
    .update(messages)
    .set(
      outcome.success
        ? {
            status: "sent",
            sentAt: new Date(),
            providerId: p.id,
            providerType: p.type,
            providerMessageId: outcome.provider_message_id,
          }
        : { status: "failed", error: outcome.error, providerId: p.id, providerType: p.type },
    )
    .where(eq(messages.id, probe.id));
  await addMessageEvent(db, ctx.orgId, probe.id, outcome.success ? "sent" : "failed", {
    provider_test: true,
  });
  await recordAudit(db, ctx, {
    action: "provider.tested",
    resourceType: "provider",
    resourceId: p.id,
    changes: { to, success: outcome.success, error: outcome.error },
  });
  return { ...outcome, message_id: probe.id, duration_ms: Date.now() - started };
}
