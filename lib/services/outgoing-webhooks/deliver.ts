import { and, asc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import { type Executor, getDb } from "@/lib/db";
import {
  eventOutbox,
  messages,
  type OutboxEvent,
  type WebhookDelivery,
  type WebhookEndpoint,
  webhookDeliveries,
  webhookEndpoints,
} from "@/lib/db/schema";
import { log } from "@/lib/logger";
import { egressRequest } from "@/lib/net/egress";
import { toMessageJson } from "@/lib/validation/messages";
import { notifyEndpointDisabled } from "./notify";
import { signatureHeader, signingSecrets } from "./secrets";

/** Standard Webhooks' retry schedule: after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — 8 attempts in all. */
export const RETRY_DELAYS_MS = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** An endpoint failing continuously this long is disabled and its organisation's admins emailed. */
export const DISABLE_AFTER_MS = 5 * 24 * 3_600_000;
const TIMEOUT_MS = 15_000;
/** A claimed delivery is not picked up by another run for this long (a crashed run's claims come back). */
const CLAIM_LEASE_MS = 2 * 60_000;
const RESPONSE_EXCERPT = 500;

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * Fans undispatched outbox events out to their organisation's enabled, matching
 * endpoints as pending deliveries, snapshotting each payload's `data` (the
 * message in its §4 shape plus `sequence`, for message events) so every retry
 * sends the same body. A constant number of statements per batch.
 */
export async function fanOut({
  now = new Date(),
  limit = 1000,
  orgId,
}: {
  now?: Date;
  limit?: number;
  orgId?: string;
} = {}) {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const batch = await tx
      .select()
      .from(eventOutbox)
      .where(and(isNull(eventOutbox.dispatchedAt), orgId ? eq(eventOutbox.orgId, orgId) : undefined))
      .orderBy(asc(eventOutbox.createdAt))
      .limit(limit)
      .for("update", { skipLocked: true });
    if (batch.length === 0) return { events: 0, deliveries: 0 };
    const orgIds = [...new Set(batch.map((e) => e.orgId))];
    const endpoints = await tx
      .select({
        id: webhookEndpoints.id,
        orgId: webhookEndpoints.orgId,
        eventTypes: webhookEndpoints.eventTypes,
      })
      .from(webhookEndpoints)
      .where(and(inArray(webhookEndpoints.orgId, orgIds), eq(webhookEndpoints.enabled, true)));
    const byOrg = new Map<string, typeof endpoints>();
    for (const e of endpoints) byOrg.set(e.orgId, [...(byOrg.get(e.orgId) ?? []), e]);
    const wanted = batch.filter((e) => byOrg.has(e.orgId));
    const messageIds = [...new Set(wanted.flatMap((e) => (e.messageId ? [e.messageId] : [])))];
    const found = messageIds.length
      ? await tx.select().from(messages).where(inArray(messages.id, messageIds))
      : [];
    const byId = new Map(found.map((m) => [m.id, m]));
    // Message events get their payload snapshotted now; other events carry theirs already.
    const payloads = wanted.flatMap((e) => {
      if (!e.messageId) return [];
      const m = byId.get(e.messageId);
      return [
        {
          id: e.id,
          data: m ? { ...toMessageJson(m), sequence: e.sequence } : { id: e.messageId, sequence: e.sequence },
        },
      ];
    });
    if (payloads.length) {
      const values = sql.join(
        payloads.map((p) => sql`(${p.id}::uuid, ${JSON.stringify(p.data)}::jsonb)`),
        sql`, `,
      );
      await tx.execute(sql`update event_outbox as o set data = v.data, dispatched_at = ${now.toISOString()}::timestamptz
        from (values ${values}) as v(id, data) where o.id = v.id`);
    }
    const snapshotted = new Set(payloads.map((p) => p.id));
    const rest = batch.filter((e) => !snapshotted.has(e.id)).map((e) => e.id);
    if (rest.length)
      await tx.update(eventOutbox).set({ dispatchedAt: now }).where(inArray(eventOutbox.id, rest));
    const rows = wanted.flatMap((e) =>
      (byOrg.get(e.orgId) ?? [])
        .filter((ep) => ep.eventTypes.length === 0 || ep.eventTypes.includes(e.type))
        .map((ep) => ({
          orgId: e.orgId,
          endpointId: ep.id,
          eventId: e.id,
          type: e.type,
          status: "pending" as const,
          nextAttemptAt: now,
        })),
    );
    for (let i = 0; i < rows.length; i += 1000)
      await tx
        .insert(webhookDeliveries)
        .values(rows.slice(i, i + 1000))
        .onConflictDoNothing();
    return { events: batch.length, deliveries: rows.length };
  });
}

/** Claims due pending deliveries (leased, skip-locked: concurrent runs share the work). */
async function claimDue(now: Date, limit: number, orgId?: string): Promise<WebhookDelivery[]> {
  const db = await getDb();
  const lease = new Date(now.getTime() + CLAIM_LEASE_MS);
  const result = await db.execute(sql`
    update webhook_deliveries set next_attempt_at = ${lease.toISOString()}::timestamptz
    where id in (
      select id from webhook_deliveries
      where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
        ${orgId ? sql`and org_id = ${orgId}::uuid` : sql``}
      order by next_attempt_at
      limit ${limit}
      for update skip locked
    )
    returning id`);
  const ids = rowsOf<{ id: string }>(result).map((r) => r.id);
  if (ids.length === 0) return [];
  return db.select().from(webhookDeliveries).where(inArray(webhookDeliveries.id, ids));
}

interface Outcome {
  id: string;
  endpointId: string;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  response: string | null;
  gone: boolean;
}

/** The JSON body of an event: {type, timestamp, data}. */
export function eventBody(e: Pick<OutboxEvent, "type" | "createdAt" | "data">): string {
  return JSON.stringify({ type: e.type, timestamp: e.createdAt.toISOString(), data: e.data ?? {} });
}

async function post(
  endpoint: WebhookEndpoint,
  secrets: string[],
  event: OutboxEvent,
  body: string,
  delivery: WebhookDelivery,
  now: Date,
): Promise<Outcome> {
  const base = { id: delivery.id, endpointId: endpoint.id };
  if (!endpoint.enabled)
    return { ...base, ok: false, statusCode: null, error: "endpoint disabled", response: null, gone: false };
  const timestamp = Math.floor(now.getTime() / 1000);
  try {
    const res = await egressRequest(endpoint.url, {
      method: "POST",
      headers: {
        "user-agent": "Switchboard-Webhooks",
        "content-type": "application/json",
        "webhook-id": event.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signatureHeader(secrets, event.id, timestamp, body),
      },
      body,
      timeoutMs: TIMEOUT_MS,
      maxBytes: RESPONSE_EXCERPT,
      truncate: true,
    });
    const text = res.body.toString("utf8").replaceAll(String.fromCharCode(0), "");
    const ok = res.status >= 200 && res.status < 300;
    return {
      ...base,
      ok,
      statusCode: res.status,
      error: ok ? null : `HTTP ${res.status}`,
      response: text || null,
      gone: res.status === 410,
    };
  } catch (e) {
    const error = e instanceof Error ? e.message || e.name : String(e);
    return { ...base, ok: false, statusCode: null, error, response: null, gone: false };
  }
}

async function pool<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(workers);
  return out;
}

/** Makes one attempt at each delivery (bounded concurrency, keep-alive) and records the outcomes in one statement. */
export async function attemptDeliveries(
  db: Executor,
  deliveries: WebhookDelivery[],
  { now = new Date(), concurrency = 64 }: { now?: Date; concurrency?: number } = {},
) {
  if (deliveries.length === 0) return { attempted: 0, succeeded: 0, failed: 0 };
  const [events, endpoints] = await Promise.all([
    db
      .select()
      .from(eventOutbox)
      .where(inArray(eventOutbox.id, [...new Set(deliveries.map((d) => d.eventId))])),
    db
      .select()
      .from(webhookEndpoints)
      .where(inArray(webhookEndpoints.id, [...new Set(deliveries.map((d) => d.endpointId))])),
  ]);
  const eventById = new Map(events.map((e) => [e.id, e]));
  const endpointById = new Map(endpoints.map((e) => [e.id, e]));
  // Decrypted and serialised once per batch, not per delivery.
  // An endpoint whose secret cannot be opened (the server's key changed) is
  // null: its deliveries fail with that reason, the rest of the batch goes on.
  const secrets = new Map<string, string[] | null>();
  const secretsOf = (e: WebhookEndpoint) => {
    if (secrets.has(e.id)) return secrets.get(e.id) ?? null;
    let live: string[] | null = null;
    try {
      live = signingSecrets(e.secretsEncrypted, now);
    } catch (err) {
      log.error("cannot open an outgoing-webhook endpoint's signing secret", {
        endpointId: e.id,
        error: String(err),
      });
    }
    secrets.set(e.id, live);
    return live;
  };
  const bodies = new Map<string, string>();
  const bodyOf = (e: OutboxEvent) => {
    const known = bodies.get(e.id);
    if (known !== undefined) return known;
    const body = eventBody(e);
    bodies.set(e.id, body);
    return body;
  };
  const outcomes = await pool(deliveries, concurrency, async (d) => {
    const event = eventById.get(d.eventId);
    const endpoint = endpointById.get(d.endpointId);
    if (!event || !endpoint)
      return {
        id: d.id,
        endpointId: d.endpointId,
        ok: false,
        statusCode: null,
        error: "event or endpoint removed",
        response: null,
        gone: false,
      };
    const signing = secretsOf(endpoint);
    if (!signing)
      return {
        id: d.id,
        endpointId: d.endpointId,
        ok: false,
        statusCode: null,
        error: "signing secret unreadable: rotate the endpoint's secret",
        response: null,
        gone: false,
      };
    return post(endpoint, signing, event, bodyOf(event), d, now);
  });

  const attemptsOf = new Map(deliveries.map((d) => [d.id, d.attempts + 1]));
  const values = sql.join(
    outcomes.map((o) => {
      const attempts = attemptsOf.get(o.id) ?? 1;
      const final = o.ok || o.gone || o.error === "endpoint disabled" || attempts >= MAX_ATTEMPTS;
      const status = o.ok ? "succeeded" : final ? "failed" : "pending";
      const delay = RETRY_DELAYS_MS[attempts - 1] ?? 0;
      const next = final ? null : new Date(now.getTime() + delay).toISOString();
      return sql`(${o.id}::uuid, ${status}::webhook_delivery_status, ${attempts}::int, ${o.statusCode}::int, ${o.error}::text, ${o.response}::text, ${next}::timestamptz)`;
    }),
    sql`, `,
  );
  await db.execute(sql`update webhook_deliveries as d set status = v.status, attempts = v.attempts,
      last_status_code = v.code, last_error = v.error, last_response = v.response,
      last_attempt_at = ${now.toISOString()}::timestamptz, next_attempt_at = v.next, updated_at = now()
    from (values ${values}) as v(id, status, attempts, code, error, response, next) where d.id = v.id`);

  await recordEndpointHealth(db, outcomes, now);
  const succeeded = outcomes.filter((o) => o.ok).length;
  return { attempted: outcomes.length, succeeded, failed: outcomes.length - succeeded };
}

/** Success clears an endpoint's failure streak; 410 disables it at once; five days of failure disable it too. */
async function recordEndpointHealth(db: Executor, outcomes: Outcome[], now: Date): Promise<void> {
  const ok = new Set<string>();
  const failing = new Set<string>();
  const gone = new Set<string>();
  for (const o of outcomes) {
    if (o.ok) ok.add(o.endpointId);
    else if (o.gone) gone.add(o.endpointId);
    else if (o.error !== "endpoint disabled") failing.add(o.endpointId);
  }
  if (ok.size)
    await db
      .update(webhookEndpoints)
      .set({ failingSince: null })
      .where(inArray(webhookEndpoints.id, [...ok]));
  const stillFailing = [...failing].filter((id) => !ok.has(id));
  if (stillFailing.length)
    await db
      .update(webhookEndpoints)
      .set({
        failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${now.toISOString()}::timestamptz)`,
      })
      .where(inArray(webhookEndpoints.id, stillFailing));
  const disabled: WebhookEndpoint[] = [];
  if (gone.size)
    disabled.push(
      ...(await db
        .update(webhookEndpoints)
        .set({ enabled: false, disabledReason: "The endpoint answered 410 Gone" })
        .where(and(inArray(webhookEndpoints.id, [...gone]), eq(webhookEndpoints.enabled, true)))
        .returning()),
    );
  if (stillFailing.length) {
    const cutoff = new Date(now.getTime() - DISABLE_AFTER_MS);
    disabled.push(
      ...(await db
        .update(webhookEndpoints)
        .set({ enabled: false, disabledReason: "Every delivery failed for 5 days" })
        .where(
          and(
            inArray(webhookEndpoints.id, stillFailing),
            eq(webhookEndpoints.enabled, true),
            lte(webhookEndpoints.failingSince, cutoff),
          ),
        )
        .returning()),
    );
  }
  for (const e of disabled) {
    // The disabled endpoint's remaining deliveries are not attempted.
    await db
      .update(webhookDeliveries)
      .set({ status: "failed", lastError: "endpoint disabled", nextAttemptAt: null })
      .where(and(eq(webhookDeliveries.endpointId, e.id), eq(webhookDeliveries.status, "pending")));
    try {
      await notifyEndpointDisabled(e);
    } catch (err) {
      log.warn("could not email admins about a disabled webhook endpoint", { endpointId: e.id, error: err });
    }
  }
}

/**
 * Delivers every due pending delivery (of one organisation when `orgId` is
 * given), in claimed batches, until none is due or `maxBatches` ran.
 */
export async function deliverDue({
  now,
  batch = 500,
  concurrency = 64,
  maxBatches = 20,
  orgId,
}: {
  now?: Date;
  batch?: number;
  concurrency?: number;
  maxBatches?: number;
  orgId?: string;
} = {}) {
  const db = await getDb();
  const total = { attempted: 0, succeeded: 0, failed: 0 };
  for (let i = 0; i < maxBatches; i++) {
    const at = now ?? new Date();
    const claimed = await claimDue(at, batch, orgId);
    if (claimed.length === 0) break;
    const r = await attemptDeliveries(db, claimed, { now: at, concurrency });
    total.attempted += r.attempted;
    total.succeeded += r.succeeded;
    total.failed += r.failed;
  }
  return total;
}

/** The earliest next attempt of a pending delivery, if any. */
export async function nextAttemptAt(): Promise<string | null> {
  const db = await getDb();
  const [row] = await db
    .select({ at: sql<string | null>`min(${webhookDeliveries.nextAttemptAt})` })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.status, "pending"));
  return row?.at ? new Date(row.at).toISOString() : null;
}

/** Outbox events older than 30 days are dropped with their deliveries (the log keeps a month). */
export async function purgeOldEvents(now = new Date()): Promise<number> {
  const db = await getDb();
  const cutoff = new Date(now.getTime() - 30 * 24 * 3_600_000);
  const gone = await db
    .delete(eventOutbox)
    .where(and(lte(eventOutbox.createdAt, cutoff), sql`${eventOutbox.dispatchedAt} is not null`))
    .returning({ id: eventOutbox.id });
  return gone.length;
}
