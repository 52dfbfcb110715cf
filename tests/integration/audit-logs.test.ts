import { describe, expect, it } from "vitest";
import * as keys from "@/app/api/v1/api-keys/route";
import * as audit from "@/app/api/v1/audit-logs/route";
import { getDb } from "@/lib/db";
import { recordAudit, redact } from "@/lib/services/audit/record";
import { call, makeKey, makeOrg } from "../factories";
import { SOCKET_HEADER } from "../sign-in-route";

describe("audit log API", () => {
  it("lets admins and managers read, not staff", async () => {
    const { orgId } = await makeOrg();
    expect((await call(audit.GET, { key: await makeKey(orgId, "admin") })).status).toBe(200);
    expect((await call(audit.GET, { key: await makeKey(orgId, "manager") })).status).toBe(200);
    const staff = await call(audit.GET, { key: await makeKey(orgId, "staff") });
    expect(staff.status).toBe(403);
    expect((await call(audit.GET)).status).toBe(401);
  });

  it("shows only the organisation's own entries", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const adminA = await makeKey(a.orgId);
    const adminB = await makeKey(b.orgId);
    await call(keys.POST, { method: "POST", key: adminB, body: { name: "only-in-b", role: "staff" } });
    const seenByA = await call(audit.GET, { key: adminA });
    expect(JSON.stringify(seenByA.json)).not.toContain("only-in-b");
    const seenByB = await call(audit.GET, { key: adminB, path: "/audit-logs?action=api_key.created" });
    expect(seenByB.json.data.some((e: { changes: { name: string } }) => e.changes.name === "only-in-b")).toBe(
      true,
    );
  });

  it("filters by action, actor and time, and pages with cursors", async () => {
    const { orgId, ctx } = await makeOrg();
    const admin = await makeKey(orgId);
    const db = await getDb();
    for (let i = 0; i < 5; i++) {
      await recordAudit(db, ctx, { action: "thing.changed", resourceType: "thing", resourceId: `t${i}` });
    }
    const first = await call(audit.GET, { key: admin, path: "/audit-logs?action=thing.changed&limit=2" });
    expect(first.json.data).toHaveLength(2);
    const rest = await call(audit.GET, {
      key: admin,
      path: `/audit-logs?action=thing.changed&limit=10&cursor=${first.json.next_cursor}`,
    });
    expect(rest.json.data).toHaveLength(3);
    expect(rest.json.next_cursor).toBeNull();
    const ids = [...first.json.data, ...rest.json.data]
      .map((e: { resource_id: string }) => e.resource_id)
      .sort();
    expect(ids).toEqual(["t0", "t1", "t2", "t3", "t4"]);

    const bySystem = await call(audit.GET, { key: admin, path: "/audit-logs?actor_type=system" });
    expect(bySystem.json.data.length).toBeGreaterThanOrEqual(5);
    const future = new Date(Date.now() + 3600_000).toISOString();
    const none = await call(audit.GET, { key: admin, path: `/audit-logs?since=${future}` });
    expect(none.json.data).toEqual([]);
    const bad = await call(audit.GET, { key: admin, path: "/audit-logs?since=yesterday&actor_type=robot" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      "actor_type",
      "since",
    ]);
  });

  it("records the caller's IP and redacts secrets at any depth", async () => {
    const { orgId } = await makeOrg();
    const admin = await makeKey(orgId);
    await call(keys.POST, {
      method: "POST",
      key: admin,
      body: { name: "ip-check", role: "staff" },
      // The socket address as npm start's server passes it; a client-sent X-Forwarded-For is not believed.
      headers: { [SOCKET_HEADER]: "203.0.113.9", "x-forwarded-for": "198.51.100.7, 10.0.0.1" },
    });
    const res = await call(audit.GET, { key: admin, path: "/audit-logs?action=api_key.created" });
    const entry = res.json.data.find((e: { changes: { name: string } }) => e.changes.name === "ip-check");
    expect(entry.ip).toBe("203.0.113.9");
    expect(entry.actor_type).toBe("api_key");

    expect(
      redact({
        name: "x",
        credentials: { auth_token: "t" },
        nested: [{ password: "p", ok: 1 }],
        apiKey: "k",
        webhook_secret: "s",
      }),
    ).toEqual({
      name: "x",
      credentials: "[redacted]",
      nested: [{ password: "[redacted]", ok: 1 }],
      apiKey: "[redacted]",
      webhook_secret: "[redacted]",
    });
  });

  it("writes the audit row in the same transaction as the change", async () => {
    const { orgId, ctx } = await makeOrg();
    const admin = await makeKey(orgId);
    const db = await getDb();
    await expect(
      db.transaction(async (tx) => {
        await recordAudit(tx, ctx, { action: "doomed.change", resourceType: "thing" });
        throw new Error("change failed after auditing");
      }),
    ).rejects.toThrow("change failed");
    const res = await call(audit.GET, { key: admin, path: "/audit-logs?action=doomed.change" });
    expect(res.json.data).toEqual([]);
  });
});
