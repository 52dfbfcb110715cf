import { and, eq } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { type Executor, getDb } from "@/lib/db";
import { eventOutbox, type WebhookEndpoint, webhookDeliveries, webhookEndpoints } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { configuredUrlProblem } from "@/lib/net/egress";
import { keyset, toPage } from "@/lib/pagination";
import { recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";
import type { DeliveryQuery, EndpointCreate, EndpointUpdate } from "@/lib/validation/outgoing-webhooks";
import { attemptDeliveries } from "./deliver";
import { generateSecret, rotatedSecrets, sealSecrets } from "./secrets";

/** The endpoint of this organisation, or NotFound. */
export async function getEndpointInOrg(db: Executor, ctx: Ctx, id: string): Promise<WebhookEndpoint> {
  const [e] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.orgId, ctx.orgId)));
  if (!e) throw AppError.notFound("Webhook endpoint");
  return e;
}

/** https, or http to a private host where EGRESS_ALLOW_PRIVATE allows it (SPEC §5). */
async function assertUrl(url: string): Promise<void> {
  const problem = await configuredUrlProblem(url);
  if (problem) throw AppError.validation([{ field: "url", message: problem }]);
}

/** The organisation's endpoints, newest first. */
export async function listEndpoints({ ctx, input }: { ctx: Ctx; input: { limit: number; cursor?: string } }) {
  requirePermission(ctx, "webhooks:manage");
  const db = await getDb();
  const page = keyset(webhookEndpoints.createdAt, webhookEndpoints.id, input.cursor);
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, ctx.orgId), page.where))
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  return toPage(rows, input.limit);
}

/** One endpoint of the organisation. */
export async function getEndpoint({ ctx, id }: { ctx: Ctx; id: string }) {
  requirePermission(ctx, "webhooks:manage");
  return getEndpointInOrg(await getDb(), ctx, id);
}

/** Creates an endpoint with a new whsec_ secret; the secret is answered this once. */
export async function createEndpoint({ ctx, input }: { ctx: Ctx; input: EndpointCreate }) {
  requirePermission(ctx, "webhooks:manage");
  await assertUrl(input.url);
  const secret = generateSecret();
  const db = await getDb();
  const endpoint = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({
        orgId: ctx.orgId,
        url: input.url,
        description: input.description ?? null,
        eventTypes: input.event_types,
        enabled: input.enabled,
        secretsEncrypted: sealSecrets({ current: secret }),
      })
      .returning();
    if (!row) throw new AppError("internal_error", "endpoint could not be stored");
    await recordAudit(tx, ctx, {
      action: "webhook_endpoint.created",
      resourceType: "webhook_endpoint",
      resourceId: row.id,
      changes: { url: row.url, event_types: row.eventTypes, enabled: row.enabled },
    });
    return row;
  });
  return { endpoint, secret };
}

/** Changes an endpoint; enabling it again clears its disabled reason and failure streak. */
export async function updateEndpoint({ ctx, id, input }: { ctx: Ctx; id: string; input: EndpointUpdate }) {
  requirePermission(ctx, "webhooks:manage");
  if (input.url !== undefined) await assertUrl(input.url);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const before = await getEndpointInOrg(tx, ctx, id);
    const set: Partial<typeof webhookEndpoints.$inferInsert> = {};
    if (input.url !== undefined) set.url = input.url;
    if (input.description !== undefined) set.description = input.description ?? null;
    if (input.event_types !== undefined) set.eventTypes = input.event_types;
    if (input.enabled !== undefined) {
      set.enabled = input.enabled;
      if (input.enabled && !before.enabled) {
        set.disabledReason = null;
        set.failingSince = null;
      }
      if (!input.enabled && before.enabled) set.disabledReason = "Disabled by an admin";
    }
    if (Object.keys(set).length === 0) return before;
    const [row] = await tx.update(webhookEndpoints).set(set).where(eq(webhookEndpoints.id, id)).returning();
    if (!row) throw AppError.notFound("Webhook endpoint");
    await recordAudit(tx, ctx, {
      action: "webhook_endpoint.updated",
      resourceType: "webhook_endpoint",
      resourceId: id,
      changes: { url: row.url, event_types: row.eventTypes, enabled: row.enabled },
    });
    return row;
  });
}

/** Deletes an endpoint and its delivery log. */
export async function deleteEndpoint({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  requirePermission(ctx, "webhooks:manage");
  const db = await getDb();
  await db.transaction(async (tx) => {
    const e = await getEndpointInOrg(tx, ctx, id);
    await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    await recordAudit(tx, ctx, {
      action: "webhook_endpoint.deleted",
      resourceType: "webhook_endpoint",
      resourceId: id,
      changes: { url: e.url },
    });
  });
}

/** A new secret, answered once; the old one keeps signing beside it for 24 h. */
export async function rotateEndpointSecret({
  ctx,
  id,
  now = new Date(),
}: {
  ctx: Ctx;
  id: string;
  now?: Date;
}) {
  requirePermission(ctx, "webhooks:manage");
  const secret = generateSecret();
  const db = await getDb();
  const endpoint = await db.transaction(async (tx) => {
    const e = await getEndpointInOrg(tx, ctx, id);
    const [row] = await tx
      .update(webhookEndpoints)
      .set({ secretsEncrypted: rotatedSecrets(e.secretsEncrypted, secret, now) })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    if (!row) throw AppError.notFound("Webhook endpoint");
    await recordAudit(tx, ctx, {
      action: "webhook_endpoint.secret_rotated",
      resourceType: "webhook_endpoint",
      resourceId: id,
    });
    return row;
  });
  return { endpoint, secret };
}

/** Sends a `webhook.test` event to this endpoint alone, now, and answers the delivery after that attempt. */
export async function sendTestEvent({ ctx, id, now = new Date() }: { ctx: Ctx; id: string; now?: Date }) {
  requirePermission(ctx, "webhooks:manage");
  const db = await getDb();
  const e = await getEndpointInOrg(db, ctx, id);
  const delivery = await db.transaction(async (tx) => {
    const [event] = await tx
      .insert(eventOutbox)
      .values({
        orgId: ctx.orgId,
        type: "webhook.test",
        data: { message: "A test event from Switchboard", endpoint_id: e.id },
        dispatchedAt: now,
        createdAt: now,
      })
      .returning();
    if (!event) throw new AppError("internal_error", "test event could not be stored");
    const [d] = await tx
      .insert(webhookDeliveries)
      .values({
        orgId: ctx.orgId,
        endpointId: e.id,
        eventId: event.id,
        type: event.type,
        nextAttemptAt: new Date(now.getTime() + 60_000),
      })
      .returning();
    if (!d) throw new AppError("internal_error", "test delivery could not be stored");
    return d;
  });
  await attemptDeliveries(db, [delivery], { now });
  return getDelivery(ctx, delivery.id);
}

async function getDelivery(ctx: Ctx, id: string) {
  const db = await getDb();
  const [d] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.orgId, ctx.orgId)));
  if (!d) throw AppError.notFound("Webhook delivery");
  return d;
}

/** An endpoint's deliveries, newest first. */
export async function listDeliveries({ ctx, id, input }: { ctx: Ctx; id: string; input: DeliveryQuery }) {
  requirePermission(ctx, "webhooks:manage");
  const db = await getDb();
  await getEndpointInOrg(db, ctx, id);
  const page = keyset(webhookDeliveries.createdAt, webhookDeliveries.id, input.cursor);
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.endpointId, id),
        eq(webhookDeliveries.orgId, ctx.orgId),
        input.status ? eq(webhookDeliveries.status, input.status) : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(input.limit + 1);
  return toPage(rows, input.limit);
}

/**
 * Delivers an event to its endpoint again, now, with the same webhook-id;
 * answers the delivery after that attempt. A disabled endpoint is refused.
 */
export async function replayDelivery({ ctx, id, now = new Date() }: { ctx: Ctx; id: string; now?: Date }) {
  requirePermission(ctx, "webhooks:manage");
  const db = await getDb();
  const d = await getDelivery(ctx, id);
  const endpoint = await getEndpointInOrg(db, ctx, d.endpointId);
  if (!endpoint.enabled)
    throw new AppError(
      "endpoint_disabled",
      "The endpoint is disabled: enable it before replaying",
      undefined,
      422,
    );
  const [claimed] = await db
    .update(webhookDeliveries)
    .set({ status: "pending", nextAttemptAt: new Date(now.getTime() + 60_000) })
    .where(eq(webhookDeliveries.id, id))
    .returning();
  if (!claimed) throw AppError.notFound("Webhook delivery");
  // A replay starts a fresh retry series: attempts keep counting, the schedule restarts.
  await attemptDeliveries(db, [{ ...claimed, attempts: 0 }], { now });
  await db
    .update(webhookDeliveries)
    .set({ attempts: d.attempts + 1 })
    .where(eq(webhookDeliveries.id, id));
  return getDelivery(ctx, id);
}
