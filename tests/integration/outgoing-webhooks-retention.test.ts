import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as endpoints from "@/app/api/v1/webhook-endpoints/route";
import { functions } from "@/inngest";
import { sweepOutgoingWebhooks } from "@/inngest/functions/outgoing-webhooks/deliver";
import { getDb } from "@/lib/db";
import { eventOutbox, webhookDeliveries, webhookEndpoints } from "@/lib/db/schema";
import { deliverDue, fanOut, purgeOldEvents } from "@/lib/services/outgoing-webhooks/deliver";
import { emitOutgoingEvent } from "@/lib/services/outgoing-webhooks/outbox";
import { call, makeKey, makeOrg } from "../factories";
import { type HttpDouble, startHttpDouble } from "../providers/http-double";

// The delivery log keeps a month: outbox events older than 30 days go, and
// their deliveries with them (ON DELETE CASCADE), from the every-minute sweep.

const DAY = 86_400_000;
let receiver: HttpDouble;
beforeAll(async () => {
  receiver = await startHttpDouble({ status: 204 });
  await makeOrg(); // migrates the fresh database under the hook timeout
});
afterAll(async () => {
  await receiver.close();
});

/** An organisation with two endpoints, so each event fans out to two deliveries. */
async function setup() {
  const { orgId } = await makeOrg();
  const key = await makeKey(orgId);
  for (const path of ["/a", "/b"]) {
    const created = await call(endpoints.POST, {
      method: "POST",
      key,
      body: { url: `${receiver.url}${path}` },
    });
    expect(created.status).toBe(201);
  }
  return { orgId };
}

/** Writes one opt-out event and answers its id. */
async function event(orgId: string, address: string): Promise<string> {
  const db = await getDb();
  await emitOutgoingEvent(db, orgId, "opt_out.created", { address, channel: "email" });
  const rows = await db
    .select({ id: eventOutbox.id, data: eventOutbox.data })
    .from(eventOutbox)
    .where(eq(eventOutbox.orgId, orgId));
  const row = rows.find((r) => r.data?.address === address);
  if (!row) throw new Error(`event for ${address} not written`);
  return row.id;
}

async function backdate(id: string, createdAt: Date) {
  await (await getDb()).update(eventOutbox).set({ createdAt }).where(eq(eventOutbox.id, id));
}

async function eventIds(orgId: string) {
  const rows = await (await getDb())
    .select({ id: eventOutbox.id })
    .from(eventOutbox)
    .where(eq(eventOutbox.orgId, orgId));
  return rows.map((r) => r.id).sort();
}

async function deliveriesOf(ids: string[]) {
  return (await getDb())
    .select({ eventId: webhookDeliveries.eventId, status: webhookDeliveries.status })
    .from(webhookDeliveries)
    .where(inArray(webhookDeliveries.eventId, ids));
}

describe("outbox retention", () => {
  it("drops fanned-out events older than 30 days with their deliveries, and keeps the rest", async () => {
    const { orgId } = await setup();
    const now = new Date();
    const old = await event(orgId, "old@example.com");
    const edge = await event(orgId, "edge@example.com");
    const recent = await event(orgId, "recent@example.com");
    await fanOut({ now, orgId });
    const delivered = await deliverDue({ now, orgId });
    expect(delivered).toMatchObject({ attempted: 6, succeeded: 6 });
    await backdate(old, new Date(now.getTime() - 31 * DAY));
    await backdate(edge, new Date(now.getTime() - 30 * DAY + 60_000)); // a minute short of 30 days
    // Written long ago but never fanned out (its wake-up was lost): not dropped unseen.
    const unsent = await event(orgId, "unsent@example.com");
    await backdate(unsent, new Date(now.getTime() - 40 * DAY));
    expect(await deliveriesOf([old, edge, recent])).toHaveLength(6);

    expect(await purgeOldEvents(now)).toBeGreaterThanOrEqual(1);

    expect(await eventIds(orgId)).toEqual([edge, recent, unsent].sort());
    const kept = await deliveriesOf([old, edge, recent, unsent]);
    expect(kept.map((d) => d.eventId).sort()).toEqual([edge, edge, recent, recent].sort());
    expect(kept.every((d) => d.status === "succeeded")).toBe(true);
    // Nothing else is old enough: a second pass leaves the organisation's rows as they are.
    await purgeOldEvents(now);
    expect(await eventIds(orgId)).toEqual([edge, recent, unsent].sort());
  });

  it("runs from the every-minute sweep, a cron in the function list the runner and /api/inngest get", async () => {
    expect(functions).toContain(sweepOutgoingWebhooks);
    expect(sweepOutgoingWebhooks.def.trigger).toEqual({ cron: "* * * * *" });

    const { orgId } = await setup();
    const old = await event(orgId, "month-old@example.com");
    const recent = await event(orgId, "today@example.com");
    await fanOut({ orgId });
    await deliverDue({ orgId });
    await backdate(old, new Date(Date.now() - 31 * DAY));

    const steps: string[] = [];
    const step = {
      run: <R>(id: string, fn: () => Promise<R>) => {
        steps.push(id);
        return fn();
      },
      sleepUntil: async () => {},
    };
    const result = (await sweepOutgoingWebhooks.def.handler({
      event: { name: "inngest/scheduled.timer", data: {} },
      step,
      attempt: 0,
    })) as { purged: number };
    expect(steps).toContain("purge");
    expect(result.purged).toBeGreaterThanOrEqual(1);
    expect(await eventIds(orgId)).toEqual([recent]);
    expect((await deliveriesOf([old, recent])).map((d) => d.eventId)).toEqual([recent, recent]);
  });

  it("an endpoint whose secret cannot be opened fails its own deliveries with the reason; the others still go", async () => {
    const { orgId } = await setup();
    const db = await getDb();
    const eps = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.orgId, orgId));
    const [broken, fine] = eps as [(typeof eps)[number], (typeof eps)[number]];
    // Sealed under another server key (or damaged): it no longer authenticates.
    const sealed = broken.secretsEncrypted;
    const flipped = `${sealed.slice(0, -2)}${sealed.endsWith("AA") ? "BB" : "AA"}`;
    await db
      .update(webhookEndpoints)
      .set({ secretsEncrypted: flipped })
      .where(eq(webhookEndpoints.id, broken.id));
    const id = await event(orgId, "secret@example.com");
    await fanOut({ orgId });
    await deliverDue({ orgId });
    const rows = await db
      .select({
        endpointId: webhookDeliveries.endpointId,
        status: webhookDeliveries.status,
        lastError: webhookDeliveries.lastError,
      })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.eventId, id));
    const byEndpoint = new Map(rows.map((r) => [r.endpointId, r]));
    expect(byEndpoint.get(fine.id)?.status).toBe("succeeded");
    expect(byEndpoint.get(broken.id)?.status).toBe("pending");
    expect(byEndpoint.get(broken.id)?.lastError).toMatch(/signing secret unreadable/);
  });
});
