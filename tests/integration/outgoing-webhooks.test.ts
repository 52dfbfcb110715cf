import { and, eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as optOuts from "@/app/api/v1/opt-outs/route";
import * as sms from "@/app/api/v1/sms/send/route";
import * as replay from "@/app/api/v1/webhook-deliveries/[id]/replay/route";
import * as deliveries from "@/app/api/v1/webhook-endpoints/[id]/deliveries/route";
import * as rotate from "@/app/api/v1/webhook-endpoints/[id]/rotate-secret/route";
import * as one from "@/app/api/v1/webhook-endpoints/[id]/route";
import * as testEvent from "@/app/api/v1/webhook-endpoints/[id]/test/route";
import * as endpoints from "@/app/api/v1/webhook-endpoints/route";
import { getDb } from "@/lib/db";
import { messages, webhookDeliveries, webhookEndpoints } from "@/lib/db/schema";
import { drainJobs } from "@/lib/jobs/runner";
import { deliverDue, fanOut, RETRY_DELAYS_MS } from "@/lib/services/outgoing-webhooks/deliver";
import { emitOutgoingEvent } from "@/lib/services/outgoing-webhooks/outbox";
import { call, makeKey, makeOrg, makeUser } from "../factories";
import { type HttpDouble, type RecordedRequest, startHttpDouble } from "../providers/http-double";

let receiver: HttpDouble;
beforeAll(async () => {
  receiver = await startHttpDouble({ status: 200, body: { ok: true } });
  await makeOrg(); // migrates the fresh database under the hook timeout
});
afterAll(async () => {
  await receiver.close();
});

/** Requests the receiver got on one path (each endpoint gets its own path). */
const at = (path: string) => receiver.requests.filter((r) => r.path === path);
const headersOf = (r: RecordedRequest) => ({
  "webhook-id": String(r.headers["webhook-id"]),
  "webhook-timestamp": String(r.headers["webhook-timestamp"]),
  "webhook-signature": String(r.headers["webhook-signature"]),
});

let n = 0;
async function setup(body: Record<string, unknown> = {}) {
  receiver.reset();
  const { orgId, name } = await makeOrg();
  const key = await makeKey(orgId);
  const path = `/hook-${++n}`;
  const created = await call(endpoints.POST, {
    method: "POST",
    key,
    body: { url: `${receiver.url}${path}`, description: "test receiver", ...body },
  });
  expect(created.status).toBe(201);
  return { orgId, name, key, path, endpoint: created.json };
}

async function optOutEvent(orgId: string, address = "ada@example.com") {
  await emitOutgoingEvent(await getDb(), orgId, "opt_out.created", { address, channel: "email" });
}

describe("webhook endpoints API", () => {
  it("creates an endpoint with a whsec_ secret shown once, lists, reads, updates and deletes it", async () => {
    const { key, endpoint } = await setup({ event_types: ["message.delivered", "opt_out.created"] });
    expect(endpoint).toMatchObject({
      description: "test receiver",
      event_types: ["message.delivered", "opt_out.created"],
      enabled: true,
      disabled_reason: null,
    });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(endpoint.secret.slice(6), "base64").length).toBeGreaterThanOrEqual(24);
    const got = await call(one.GET, { key, params: { id: endpoint.id } });
    expect(got.status).toBe(200);
    expect(got.json.secret).toBeUndefined();
    const list = await call(endpoints.GET, { key });
    expect(list.json.data.map((e: { id: string }) => e.id)).toEqual([endpoint.id]);
    expect(list.json.next_cursor).toBeNull();
    expect(list.json.data[0].secret).toBeUndefined();
    const patched = await call(one.PATCH, {
      method: "PATCH",
      key,
      params: { id: endpoint.id },
      body: { enabled: false, event_types: [] },
    });
    expect(patched.json).toMatchObject({
      enabled: false,
      event_types: [],
      disabled_reason: "Disabled by an admin",
    });
    const again = await call(one.PATCH, {
      method: "PATCH",
      key,
      params: { id: endpoint.id },
      body: { enabled: true },
    });
    expect(again.json).toMatchObject({ enabled: true, disabled_reason: null });
    expect((await call(one.DELETE, { method: "DELETE", key, params: { id: endpoint.id } })).status).toBe(204);
    expect((await call(one.GET, { key, params: { id: endpoint.id } })).status).toBe(404);
  });

  it("keeps signing secrets encrypted at rest: no table holds one in the clear", async () => {
    const { key, endpoint } = await setup();
    const rotated = await call(rotate.POST, { method: "POST", key, params: { id: endpoint.id } });
    const db = await getDb();
    let dump = "";
    for (const table of ["webhook_endpoints", "audit_log", "event_outbox", "webhook_deliveries"]) {
      const rows = (await db.execute(
        sql.raw(`select row_to_json(t)::text as j from "${table}" t`),
      )) as unknown as { rows: { j: string }[] } | { j: string }[];
      dump += ("rows" in rows ? rows.rows : rows).map((r) => r.j).join("\n");
    }
    expect(dump).toContain(endpoint.id);
    for (const secret of [endpoint.secret, rotated.json.secret]) {
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(secret.slice(6));
    }
  });

  it("answers 400 naming the field, 401 without a key, 403 for managers and staff, 404 across organisations", async () => {
    const { key, endpoint } = await setup();
    const bad = await call(endpoints.POST, { method: "POST", key, body: { url: "ftp://example.com/x" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].field).toBe("url");
    const badType = await call(endpoints.POST, {
      method: "POST",
      key,
      body: { url: "https://example.com/hook", event_types: ["message.teleported"] },
    });
    expect(badType.status).toBe(400);
    expect(badType.json.error.details[0].field).toBe("event_types.0");
    const metadata = await call(endpoints.POST, {
      method: "POST",
      key,
      body: { url: "https://169.254.169.254/latest" },
    });
    expect(metadata.status).toBe(400);
    expect(metadata.json.error.details[0].field).toBe("url");
    expect((await call(endpoints.GET, {})).status).toBe(401);
    for (const role of ["manager", "staff"] as const) {
      const other = await makeKey((await makeOrg()).orgId, role);
      expect((await call(endpoints.GET, { key: other })).status).toBe(403);
      expect(
        (await call(endpoints.POST, { method: "POST", key: other, body: { url: "https://example.com/x" } }))
          .status,
      ).toBe(403);
    }
    const stranger = await makeKey((await makeOrg()).orgId);
    for (const [handler, method] of [
      [one.GET, "GET"],
      [one.DELETE, "DELETE"],
      [rotate.POST, "POST"],
      [testEvent.POST, "POST"],
      [deliveries.GET, "GET"],
    ] as const) {
      expect((await call(handler, { method, key: stranger, params: { id: endpoint.id } })).status).toBe(404);
    }
  });
});

describe("delivering outgoing webhooks", () => {
  it("delivers message events through the job runner, signed so standardwebhooks verifies them", async () => {
    const { key, path, endpoint } = await setup();
    const sent = await call(sms.POST, {
      method: "POST",
      key,
      body: { to: "+12025550142", message: "Hello" },
    });
    expect(sent.status).toBe(202);
    await drainJobs();
    // The dispatcher is woken shortly after the events' transaction.
    await new Promise((r) => setTimeout(r, 300));
    await drainJobs();
    const got = at(path);
    const wh = new Webhook(endpoint.secret);
    // Deliveries may arrive in either order (they go concurrently); `sequence` orders them.
    const bodies = got
      .map((r) => wh.verify(r.text, headersOf(r)) as { type: string; data: Record<string, unknown> })
      .sort((a, b) => Number(a.data.sequence) - Number(b.data.sequence));
    expect(bodies.map((b) => b.type)).toEqual(["message.queued", "message.sent"]);
    expect(bodies[1]?.data).toMatchObject({
      id: sent.json.id,
      channel: "sms",
      to: "+12025550142",
      resent_from: null,
    });
    const [first, second] = bodies.map((b) => Number(b.data.sequence));
    expect(second).toBeGreaterThan(first as number);
    for (const r of got) {
      expect(r.headers["content-type"]).toBe("application/json");
      expect(Number(r.headers["webhook-timestamp"])).toBeCloseTo(Date.now() / 1000, -2);
    }
    expect(new Set(got.map((r) => r.headers["webhook-id"])).size).toBe(2);
    // A wrong secret does not verify.
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 1).toString("base64")}`).verify(
        got[0]?.text ?? "",
        headersOf(got[0] as RecordedRequest),
      ),
    ).toThrow();
    const log = await call(deliveries.GET, { key, params: { id: endpoint.id } });
    expect(log.json.data).toHaveLength(2);
    expect(log.json.data[0]).toMatchObject({
      endpoint_id: endpoint.id,
      status: "succeeded",
      attempts: 1,
      last_status_code: 200,
      last_error: null,
      next_attempt_at: null,
    });
  });

  it("a receiver failing twice then succeeding sees three attempts with one webhook-id", async () => {
    const { orgId, path } = await setup();
    await optOutEvent(orgId);
    const t0 = new Date();
    await fanOut({ now: t0, orgId });
    receiver.respond({ status: 500, body: "boom" }, { status: 503 });
    await deliverDue({ now: t0, orgId });
    await deliverDue({ now: new Date(t0.getTime() + 4_999), orgId }); // not due yet
    expect(at(path)).toHaveLength(1);
    await deliverDue({ now: new Date(t0.getTime() + 5_000), orgId });
    await deliverDue({ now: new Date(t0.getTime() + 5_000 + 300_000), orgId });
    const got = at(path);
    expect(got).toHaveLength(3);
    expect(new Set(got.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(new Set(got.map((r) => r.text)).size).toBe(1);
    const [d] = await (await getDb())
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.orgId, orgId));
    expect(d).toMatchObject({ status: "succeeded", attempts: 3, lastStatusCode: 200, nextAttemptAt: null });
    expect(d?.eventId).toBe(got[0]?.headers["webhook-id"]);
  });

  it("retries on the Standard Webhooks schedule, 8 attempts in all, then gives up", async () => {
    const { orgId, path } = await setup();
    await optOutEvent(orgId);
    let now = new Date();
    await fanOut({ now, orgId });
    const db = await getDb();
    const gaps: number[] = [];
    for (let attempt = 1; attempt <= 8; attempt++) {
      receiver.respond({ status: 500 });
      await deliverDue({ now, orgId });
      const [d] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.orgId, orgId));
      expect(d?.attempts).toBe(attempt);
      if (attempt < 8) {
        expect(d?.status).toBe("pending");
        const next = d?.nextAttemptAt as Date;
        gaps.push(next.getTime() - now.getTime());
        // One millisecond early, nothing goes out.
        await deliverDue({ now: new Date(next.getTime() - 1), orgId });
        expect(at(path)).toHaveLength(attempt);
        now = next;
      } else {
        expect(d).toMatchObject({ status: "failed", nextAttemptAt: null, lastStatusCode: 500 });
      }
    }
    expect(gaps).toEqual([...RETRY_DELAYS_MS]);
    expect(gaps.reduce((a, b) => a + b, 0) / 3_600_000).toBeCloseTo(27.6, 0);
    await deliverDue({ now: new Date(now.getTime() + 86_400_000), orgId });
    expect(at(path)).toHaveLength(8);
  });

  it("410 Gone disables the endpoint at once", async () => {
    const { orgId, key, path, endpoint } = await setup();
    await optOutEvent(orgId);
    await optOutEvent(orgId, "bob@example.com");
    const now = new Date();
    await fanOut({ now, orgId });
    receiver.respond({ status: 410 }, { status: 410 });
    await deliverDue({ now, orgId, concurrency: 1, batch: 1 });
    expect(at(path)).toHaveLength(1);
    const e = await call(one.GET, { key, params: { id: endpoint.id } });
    expect(e.json).toMatchObject({ enabled: false, disabled_reason: expect.stringContaining("410") });
    await deliverDue({ now: new Date(now.getTime() + 3_600_000), orgId });
    expect(at(path)).toHaveLength(1);
  });

  it("five days of continuous failure disable the endpoint and email the organisation's admins", async () => {
    const { orgId, name, key, path, endpoint } = await setup();
    const admin = await makeUser(name, "admin");
    receiver.respond(...Array.from({ length: 10 }, () => ({ status: 500 })));
    await optOutEvent(orgId);
    const t0 = new Date();
    await fanOut({ now: t0, orgId });
    await deliverDue({ now: t0, orgId });
    const db = await getDb();
    const [mid] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(mid).toMatchObject({ enabled: true });
    expect(mid?.failingSince?.getTime()).toBe(t0.getTime());
    await optOutEvent(orgId, "later@example.com");
    const later = new Date(t0.getTime() + 5 * 86_400_000 + 60_000);
    await fanOut({ now: later, orgId });
    await deliverDue({ now: later, orgId });
    const e = await call(one.GET, { key, params: { id: endpoint.id } });
    expect(e.json).toMatchObject({ enabled: false, disabled_reason: "Every delivery failed for 5 days" });
    const mail = await db
      .select()
      .from(messages)
      .where(and(eq(messages.orgId, orgId), eq(messages.to, admin.email)));
    expect(mail).toHaveLength(1);
    expect(mail[0]?.subject).toBe("A webhook endpoint was disabled");
    expect(mail[0]?.text).toContain(endpoint.url);
    const sentBefore = at(path).length;
    await optOutEvent(orgId, "after@example.com");
    await fanOut({ now: later, orgId });
    await deliverDue({ now: new Date(later.getTime() + 86_400_000), orgId });
    expect(at(path)).toHaveLength(sentBefore);
  });

  it("replay delivers the same event again with the same webhook-id", async () => {
    const { orgId, key, path, endpoint } = await setup();
    await optOutEvent(orgId);
    await fanOut({ orgId });
    await deliverDue({ orgId });
    const log = await call(deliveries.GET, { key, params: { id: endpoint.id } });
    const d = log.json.data[0];
    expect(d.status).toBe("succeeded");
    receiver.respond({ status: 202, body: "accepted again" });
    const replayed = await call(replay.POST, { method: "POST", key, params: { id: d.id } });
    expect(replayed.status).toBe(200);
    expect(replayed.json).toMatchObject({
      id: d.id,
      status: "succeeded",
      attempts: 2,
      last_status_code: 202,
      last_response: "accepted again",
    });
    const got = at(path);
    expect(got).toHaveLength(2);
    expect(got[1]?.headers["webhook-id"]).toBe(got[0]?.headers["webhook-id"]);
    expect(got[1]?.text).toBe(got[0]?.text);
    const wh = new Webhook(endpoint.secret);
    expect(wh.verify(got[1]?.text ?? "", headersOf(got[1] as RecordedRequest))).toMatchObject({
      type: "opt_out.created",
    });
    const stranger = await makeKey((await makeOrg()).orgId);
    expect((await call(replay.POST, { method: "POST", key: stranger, params: { id: d.id } })).status).toBe(
      404,
    );
  });

  it("signs with both secrets for 24 hours after a rotation, then with the new one alone", async () => {
    const { orgId, key, path, endpoint } = await setup();
    const rotated = await call(rotate.POST, { method: "POST", key, params: { id: endpoint.id } });
    expect(rotated.status).toBe(200);
    expect(rotated.json.secret).toMatch(/^whsec_/);
    expect(rotated.json.secret).not.toBe(endpoint.secret);
    await optOutEvent(orgId);
    await fanOut({ orgId });
    await deliverDue({ orgId });
    const [r] = at(path);
    const signatures = String(r?.headers["webhook-signature"]).split(" ");
    expect(signatures).toHaveLength(2);
    for (const s of signatures) expect(s).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    for (const secret of [endpoint.secret, rotated.json.secret]) {
      expect(new Webhook(secret).verify(r?.text ?? "", headersOf(r as RecordedRequest))).toMatchObject({
        type: "opt_out.created",
      });
    }
    await optOutEvent(orgId, "next-day@example.com");
    const tomorrow = new Date(Date.now() + 24 * 3_600_000 + 60_000);
    await fanOut({ now: tomorrow, orgId });
    await deliverDue({ now: tomorrow, orgId });
    const late = at(path)[1];
    expect(String(late?.headers["webhook-signature"]).split(" ")).toHaveLength(1);
  });

  it("never sends org A's events to org B, and sends nothing to a disabled endpoint or one filtering the type out", async () => {
    const a = await setup();
    const b = await setup();
    const off = await setup();
    const filtered = await setup({ event_types: ["message.delivered"] });
    await call(one.PATCH, {
      method: "PATCH",
      key: off.key,
      params: { id: off.endpoint.id },
      body: { enabled: false },
    });
    const res = await call(optOuts.POST, {
      method: "POST",
      key: a.key,
      body: { address: "a-only@example.com", channel: "email" },
    });
    expect(res.status).toBe(201);
    for (const o of [off, filtered]) await optOutEvent(o.orgId);
    for (const o of [a, b, off, filtered]) {
      await fanOut({ orgId: o.orgId });
      await deliverDue({ orgId: o.orgId });
    }
    const got = at(a.path);
    expect(got).toHaveLength(1);
    expect(JSON.parse(got[0]?.text ?? "{}")).toMatchObject({
      type: "opt_out.created",
      data: { address: "a-only@example.com", channel: "email" },
    });
    expect(at(b.path)).toHaveLength(0);
    expect(at(off.path)).toHaveLength(0);
    expect(at(filtered.path)).toHaveLength(0);
  });

  it("delivers only where the egress policy allows: a metadata address is refused before any byte", async () => {
    const { orgId, key, endpoint } = await setup();
    await (await getDb())
      .update(webhookEndpoints)
      .set({ url: "http://169.254.169.254/latest/meta-data" })
      .where(eq(webhookEndpoints.id, endpoint.id));
    await optOutEvent(orgId);
    await fanOut({ orgId });
    await deliverDue({ orgId });
    const log = await call(deliveries.GET, { key, params: { id: endpoint.id } });
    expect(log.json.data[0]).toMatchObject({ status: "pending", attempts: 1, last_status_code: null });
    expect(log.json.data[0].last_error).toMatch(/Refused to connect to 169\.254\.169\.254/);
  });

  it("sends a test event on request and answers the delivery", async () => {
    const { key, path, endpoint } = await setup();
    const res = await call(testEvent.POST, { method: "POST", key, params: { id: endpoint.id } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      endpoint_id: endpoint.id,
      type: "webhook.test",
      status: "succeeded",
      attempts: 1,
    });
    const [r] = at(path);
    expect(new Webhook(endpoint.secret).verify(r?.text ?? "", headersOf(r as RecordedRequest))).toMatchObject(
      {
        type: "webhook.test",
      },
    );
  });
});
