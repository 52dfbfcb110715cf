import { describe, expect, it } from "vitest";
import * as one from "@/app/api/v1/api-keys/[id]/route";
import * as collection from "@/app/api/v1/api-keys/route";
import * as audit from "@/app/api/v1/audit-logs/route";
import { call, makeKey, makeOrg } from "../factories";

describe("API keys API", () => {
  it("answers 401 without a key, with an unknown key and with a malformed header", async () => {
    expect((await call(collection.GET)).status).toBe(401);
    const unknown = await call(collection.GET, { key: "sb_notarealkey" });
    expect(unknown.status).toBe(401);
    expect(unknown.json.error.code).toBe("unauthenticated");
    expect((await call(collection.GET, { headers: { authorization: "Basic abc" } })).status).toBe(401);
  });

  it("creates a key shown once, lists it by prefix, and the key authenticates", async () => {
    const { orgId } = await makeOrg();
    const admin = await makeKey(orgId, "admin");
    const created = await call(collection.POST, {
      method: "POST",
      key: admin,
      body: { name: "Billing sync", role: "staff" },
    });
    expect(created.status).toBe(201);
    expect(created.json.key).toMatch(/^sb_/);
    expect(created.json.prefix).toBe(created.json.key.slice(0, 11));
    expect(created.json.role).toBe("staff");

    const list = await call(collection.GET, { key: admin });
    expect(list.status).toBe(200);
    const listed = list.json.data.find((k: { id: string }) => k.id === created.json.id);
    expect(listed).toMatchObject({ name: "Billing sync", prefix: created.json.prefix, revoked_at: null });
    expect(JSON.stringify(list.json)).not.toContain(created.json.key);

    // The new staff key works for what staff may do and is refused the rest.
    expect((await call(collection.GET, { key: created.json.key })).status).toBe(403);
  });

  it("answers 403 to manager and staff keys", async () => {
    const { orgId } = await makeOrg();
    for (const role of ["manager", "staff"] as const) {
      const key = await makeKey(orgId, role);
      const res = await call(collection.POST, { method: "POST", key, body: { name: "x", role: "admin" } });
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe("forbidden");
      expect((await call(collection.GET, { key })).status).toBe(403);
    }
  });

  it("answers 400 with each bad field named", async () => {
    const { orgId } = await makeOrg();
    const admin = await makeKey(orgId);
    const res = await call(collection.POST, {
      method: "POST",
      key: admin,
      body: { name: "", role: "owner" },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("validation_failed");
    const fields = res.json.error.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(["name", "role"]);
    const notJson = await call(collection.POST, { method: "POST", key: admin, rawBody: "{not json" });
    expect(notJson.status).toBe(400);
    expect(notJson.json.error.details[0].field).toBe("body");
    const badQuery = await call(collection.GET, { key: admin, path: "/api-keys?limit=0" });
    expect(badQuery.status).toBe(400);
    expect(badQuery.json.error.details[0].field).toBe("limit");
  });

  it("revokes: the key stops working, revoking again is harmless, and both are audited", async () => {
    const { orgId } = await makeOrg();
    const admin = await makeKey(orgId);
    const created = await call(collection.POST, {
      method: "POST",
      key: admin,
      body: { name: "temp", role: "admin" },
    });
    expect((await call(collection.GET, { key: created.json.key })).status).toBe(200);

    const revoked = await call(one.DELETE, { method: "DELETE", key: admin, params: { id: created.json.id } });
    expect(revoked.status).toBe(200);
    expect(revoked.json.revoked_at).not.toBeNull();
    expect((await call(collection.GET, { key: created.json.key })).status).toBe(401);
    expect(
      (await call(one.DELETE, { method: "DELETE", key: admin, params: { id: created.json.id } })).status,
    ).toBe(200);

    const entries = await call(audit.GET, { key: admin, path: `/audit-logs?resource_id=${created.json.id}` });
    expect(entries.json.data.map((e: { action: string }) => e.action)).toEqual([
      "api_key.revoked",
      "api_key.created",
    ]);
    expect(entries.json.data[1].actor_type).toBe("api_key");
  });

  it("answers 404 for another organisation's key and for a malformed id", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const adminA = await makeKey(a.orgId);
    const adminB = await makeKey(b.orgId);
    const created = await call(collection.POST, {
      method: "POST",
      key: adminB,
      body: { name: "b", role: "staff" },
    });
    const res = await call(one.DELETE, { method: "DELETE", key: adminA, params: { id: created.json.id } });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("not_found");
    expect((await call(one.DELETE, { method: "DELETE", key: adminA, params: { id: "nope" } })).status).toBe(
      404,
    );
    // B's key still works: A's attempt changed nothing.
    expect((await call(collection.GET, { key: created.json.key })).status).toBe(403);
  });

  it("pages with cursors", async () => {
    const { orgId } = await makeOrg();
    const admin = await makeKey(orgId);
    for (let i = 0; i < 4; i++) {
      await call(collection.POST, { method: "POST", key: admin, body: { name: `k${i}`, role: "staff" } });
    }
    const first = await call(collection.GET, { key: admin, path: "/api-keys?limit=2" });
    expect(first.json.data).toHaveLength(2);
    expect(first.json.next_cursor).toBeTruthy();
    const second = await call(collection.GET, {
      key: admin,
      path: `/api-keys?limit=2&cursor=${first.json.next_cursor}`,
    });
    const third = await call(collection.GET, {
      key: admin,
      path: `/api-keys?limit=2&cursor=${second.json.next_cursor}`,
    });
    const ids = [...first.json.data, ...second.json.data, ...third.json.data].map(
      (k: { id: string }) => k.id,
    );
    expect(new Set(ids).size).toBe(5); // 4 created + the admin key itself
    expect(third.json.next_cursor).toBeNull();
    expect((await call(collection.GET, { key: admin, path: "/api-keys?cursor=garbage" })).status).toBe(400);
  });

  it("answers 429 with Retry-After past API_RATE_LIMIT_PER_SECOND", async () => {
    const { orgId } = await makeOrg();
    const admin = await makeKey(orgId);
    const limit = Number(process.env.API_RATE_LIMIT_PER_SECOND);
    const statuses = await Promise.all(
      Array.from({ length: limit + 10 }, () => call(collection.GET, { key: admin }).then((r) => r)),
    );
    const limited = statuses.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0]?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited[0]?.json.error.code).toBe("rate_limited");
    // Another key of the same organisation has its own budget.
    expect((await call(collection.GET, { key: await makeKey(orgId) })).status).toBe(200);
  });
});
