import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as outbox from "@/app/api/v1/outbox/route";
import * as one from "@/app/api/v1/providers/[id]/route";
import * as test from "@/app/api/v1/providers/[id]/test/route";
import * as health from "@/app/api/v1/providers/health/route";
import * as reorder from "@/app/api/v1/providers/reorder/route";
import * as collection from "@/app/api/v1/providers/route";
import { getDb } from "@/lib/db";
import { providers } from "@/lib/db/schema";
import { call, makeKey, makeOrg } from "../factories";
import { freePort } from "../smtp-sink";

const twilio = {
  name: "Twilio US",
  type: "twilio",
  priority: 1,
  cost_per_unit: 0.0079,
  sender: { phone: "+1 (202) 555-0100" },
  config: {},
  credentials: { account_sid: `AC${"a".repeat(32)}`, auth_token: "super-secret-token-1234" },
};

describe("providers API", () => {
  it("starts every organisation with sandbox email and console SMS at priority 100", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const list = await call(collection.GET, { key });
    expect(list.json.data.map((p: { type: string; priority: number }) => [p.type, p.priority])).toEqual([
      ["sandbox", 100],
      ["console", 100],
    ]);
  });

  it("creates a provider with encrypted, masked credentials and a normalised sender", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const res = await call(collection.POST, { method: "POST", key, body: twilio });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      channel: "sms",
      type: "twilio",
      priority: 1,
      cost_per_unit: 0.0079,
      sender: { phone: "+12025550100" },
    });
    expect(res.json.credentials).toEqual({ account_sid: "••••aaaa", auth_token: "••••1234" });
    expect(res.json.circuit.state).toBe("closed");
    const db = await getDb();
    const [row] = await db.select().from(providers).where(eq(providers.id, res.json.id));
    expect(row?.credentialsEncrypted).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain("super-secret-token-1234");
    // The list puts it first.
    const list = await call(collection.GET, { key, path: "/providers?channel=sms" });
    expect(list.json.data[0].id).toBe(res.json.id);
  });

  it("names each bad field: type-specific config, credentials and sender", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const bad = await call(collection.POST, {
      method: "POST",
      key,
      body: { name: "Mail", type: "smtp", config: { port: "99999" }, credentials: {}, sender: {} },
    });
    expect(bad.status).toBe(400);
    const fields = bad.json.error.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(["config.host", "config.port", "sender.email"]);
    const unknown = await call(collection.POST, { method: "POST", key, body: { name: "X", type: "pigeon" } });
    expect(unknown.json.error.details[0].field).toBe("type");
    const phone = await call(collection.POST, {
      method: "POST",
      key,
      body: { ...twilio, sender: { phone: "123" } },
    });
    expect(phone.json.error.details.map((d: { field: string }) => d.field)).toContain("sender.phone");
    await call(collection.POST, { method: "POST", key, body: twilio });
    const dup = await call(collection.POST, { method: "POST", key, body: twilio });
    expect(dup.status).toBe(400);
    expect(dup.json.error.details[0].field).toBe("name");
  });

  it("updates without resending credentials, keeps the stored ones, and audits without secrets", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const created = await call(collection.POST, { method: "POST", key, body: twilio });
    const updated = await call(one.PATCH, {
      method: "PATCH",
      key,
      params: { id: created.json.id },
      body: { priority: 7, daily_limit: 500, credentials: { auth_token: "rotated-token-9999" } },
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({
      priority: 7,
      daily_limit: 500,
      credentials: { account_sid: "••••aaaa", auth_token: "••••9999" },
    });
    const { listAuditLogs } = await import("@/lib/services/audit/list");
    const { systemCtx } = await import("@/lib/services/context");
    const entries = await listAuditLogs({
      ctx: systemCtx(orgId),
      input: { limit: 10, resource_id: created.json.id },
    });
    expect(entries.data.map((e) => e.action)).toEqual(["provider.updated", "provider.created"]);
    expect(JSON.stringify(entries.data)).not.toContain("rotated-token-9999");
    expect(JSON.stringify(entries.data)).not.toContain("super-secret-token-1234");
  });

  it("tests a provider for real: the sandbox answers success, a dead SMTP host answers its error", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const list = await call(collection.GET, { key, path: "/providers?channel=email" });
    const sandbox = list.json.data[0];
    const ok = await call(test.POST, {
      method: "POST",
      key,
      params: { id: sandbox.id },
      body: { to: "me@example.com" },
    });
    expect(ok.json).toMatchObject({ success: true, error: null });
    expect(ok.json.provider_message_id).toMatch(/^sandbox-/);
    const box = await call(outbox.GET, { key });
    expect(box.json.data[0].to).toBe("me@example.com");

    const dead = await call(collection.POST, {
      method: "POST",
      key,
      body: {
        name: "Dead",
        type: "smtp",
        sender: { email: "a@acme.test" },
        config: { host: "127.0.0.1", port: await freePort(), tls_mode: "none" },
      },
    });
    const failed = await call(test.POST, {
      method: "POST",
      key,
      params: { id: dead.json.id },
      body: { to: "me@example.com" },
    });
    expect(failed.json.success).toBe(false);
    expect(failed.json.error).toMatch(/ECONNREFUSED|ECONNECTION|connect/i);
    const badTo = await call(test.POST, {
      method: "POST",
      key,
      params: { id: dead.json.id },
      body: { to: "nope" },
    });
    expect(badTo.status).toBe(400);
  });

  it("reorders priorities and reports health per channel", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const a = await call(collection.POST, { method: "POST", key, body: { ...twilio, name: "A" } });
    const b = await call(collection.POST, {
      method: "POST",
      key,
      body: { ...twilio, name: "B", priority: 2 },
    });
    expect(
      (await call(reorder.POST, { method: "POST", key, body: { ids: [b.json.id, a.json.id] } })).status,
    ).toBe(204);
    const h = await call(health.GET, { key });
    expect(Object.keys(h.json)).toEqual(["email", "sms"]);
    expect(h.json.sms.map((p: { name: string; priority: number }) => [p.name, p.priority])).toEqual([
      ["B", 1],
      ["A", 2],
      ["Console SMS", 100],
    ]);
    expect(h.json.sms[0]).toEqual({
      id: b.json.id,
      name: "B",
      type: "twilio",
      priority: 1,
      enabled: true,
      circuit: "closed",
      failure_count: 0,
      sent_today: 0,
      daily_limit: null,
      last_error: null,
    });
  });

  it("lets only admins change providers, and answers 404 across organisations", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const adminB = await makeKey(b.orgId);
    const providerB = await call(collection.POST, { method: "POST", key: adminB, body: twilio });
    for (const role of ["manager", "staff"] as const) {
      const key = await makeKey(a.orgId, role);
      expect((await call(collection.GET, { key })).status).toBe(200);
      expect((await call(collection.POST, { method: "POST", key, body: twilio })).status).toBe(403);
    }
    const adminA = await makeKey(a.orgId);
    expect((await call(one.GET, { key: adminA, params: { id: providerB.json.id } })).status).toBe(404);
    expect(
      (
        await call(one.PATCH, {
          method: "PATCH",
          key: adminA,
          params: { id: providerB.json.id },
          body: { enabled: false },
        })
      ).status,
    ).toBe(404);
    expect(
      (await call(one.DELETE, { method: "DELETE", key: adminA, params: { id: providerB.json.id } })).status,
    ).toBe(404);
    expect(
      (
        await call(test.POST, {
          method: "POST",
          key: adminA,
          params: { id: providerB.json.id },
          body: { to: "+12025550142" },
        })
      ).status,
    ).toBe(404);
    expect((await call(one.GET, { key: adminB, params: { id: providerB.json.id } })).json.enabled).toBe(true);
    expect(
      (await call(one.DELETE, { method: "DELETE", key: adminB, params: { id: providerB.json.id } })).status,
    ).toBe(204);
  });

  it("skips disabled providers and those at their daily limit", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const list = await call(collection.GET, { key, path: "/providers?channel=sms" });
    const consoleSms = list.json.data[0];
    await call(one.PATCH, { method: "PATCH", key, params: { id: consoleSms.id }, body: { daily_limit: 1 } });
    const sms = await import("@/app/api/v1/sms/send/route");
    const msg = await import("@/app/api/v1/messages/[id]/route");
    const { drainJobs } = await import("@/lib/jobs/runner");
    const first = await call(sms.POST, { method: "POST", key, body: { to: "+12025550142", message: "1" } });
    const second = await call(sms.POST, { method: "POST", key, body: { to: "+12025550142", message: "2" } });
    await drainJobs();
    // The two ran in parallel: exactly one got the single daily slot.
    const both = [
      (await call(msg.GET, { key, params: { id: first.json.id } })).json,
      (await call(msg.GET, { key, params: { id: second.json.id } })).json,
    ];
    expect(both.map((m) => m.status).sort()).toEqual(["queued", "sent"]);
    const blocked = both.find((m) => m.status === "queued");
    expect(blocked.error).toContain("daily limit");
    const h = await call(health.GET, { key });
    expect(h.json.sms[0]).toMatchObject({ sent_today: 1, daily_limit: 1 });
    // Disabled providers are skipped too: with the only SMS provider off, nothing goes out.
    await call(one.PATCH, {
      method: "PATCH",
      key,
      params: { id: consoleSms.id },
      body: { enabled: false, daily_limit: null },
    });
    const third = await call(sms.POST, { method: "POST", key, body: { to: "+12025550142", message: "3" } });
    await drainJobs();
    const off = (await call(msg.GET, { key, params: { id: third.json.id } })).json;
    expect(off.status).toBe("queued");
    expect(off.attempts).toEqual([]);
    expect(off.error).toContain("No enabled provider");
  });
});
