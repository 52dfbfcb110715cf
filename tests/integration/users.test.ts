import { describe, expect, it } from "vitest";
import * as one from "@/app/api/v1/users/[id]/route";
import * as collection from "@/app/api/v1/users/route";
import { call, makeKey, makeOrg, makeUser, uniq } from "../factories";

describe("users and roles API", () => {
  it("adds a new user with a password, changes the role and removes the member", async () => {
    const { orgId } = await makeOrg();
    const admin = await makeKey(orgId);
    const email = `${uniq("new")}@example.test`;
    const created = await call(collection.POST, {
      method: "POST",
      key: admin,
      body: { email: email.toUpperCase(), role: "staff", password: "long-enough-pw" },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ email, role: "staff" });

    const changed = await call(one.PATCH, {
      method: "PATCH",
      key: admin,
      params: { id: created.json.id },
      body: { role: "manager" },
    });
    expect(changed.json.role).toBe("manager");

    const list = await call(collection.GET, { key: admin });
    expect(list.json.data.map((m: { email: string }) => m.email)).toContain(email);

    expect(
      (await call(one.DELETE, { method: "DELETE", key: admin, params: { id: created.json.id } })).status,
    ).toBe(204);
    expect((await call(one.GET, { key: admin, params: { id: created.json.id } })).status).toBe(404);
  });

  it("adds an existing user of another organisation without a password; a new user needs one", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const userOfB = await makeUser(b.name, "staff");
    const adminA = await makeKey(a.orgId);
    const added = await call(collection.POST, {
      method: "POST",
      key: adminA,
      body: { email: userOfB.email, role: "manager" },
    });
    expect(added.status).toBe(201);
    expect(added.json.role).toBe("manager");
    const again = await call(collection.POST, {
      method: "POST",
      key: adminA,
      body: { email: userOfB.email, role: "staff" },
    });
    expect(again.status).toBe(409);

    const noPassword = await call(collection.POST, {
      method: "POST",
      key: adminA,
      body: { email: `${uniq("nobody")}@example.test`, role: "staff" },
    });
    expect(noPassword.status).toBe(400);
    expect(noPassword.json.error.details).toEqual([
      { field: "password", message: "is required for a new user" },
    ]);
  });

  it("keeps at least one admin", async () => {
    const { name, orgId } = await makeOrg();
    const only = await makeUser(name, "admin");
    const key = await makeKey(orgId);
    const demote = await call(one.PATCH, {
      method: "PATCH",
      key,
      params: { id: only.userId },
      body: { role: "staff" },
    });
    expect(demote.status).toBe(422);
    expect(demote.json.error.code).toBe("last_admin");
    const remove = await call(one.DELETE, { method: "DELETE", key, params: { id: only.userId } });
    expect(remove.status).toBe(422);
    expect((await call(one.GET, { key, params: { id: only.userId } })).json.role).toBe("admin");
  });

  it("answers 401, 403, 404 and 400 as the contract says", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const memberOfB = await makeUser(b.name, "staff");
    const adminA = await makeKey(a.orgId);
    expect((await call(collection.GET)).status).toBe(401);
    for (const role of ["manager", "staff"] as const) {
      const key = await makeKey(a.orgId, role);
      expect((await call(collection.GET, { key })).status).toBe(403);
      expect(
        (
          await call(one.PATCH, {
            method: "PATCH",
            key,
            params: { id: memberOfB.userId },
            body: { role: "admin" },
          })
        ).status,
      ).toBe(403);
    }
    // Another organisation's member is not found, and is not changed.
    const cross = await call(one.PATCH, {
      method: "PATCH",
      key: adminA,
      params: { id: memberOfB.userId },
      body: { role: "admin" },
    });
    expect(cross.status).toBe(404);
    expect(
      (await call(one.DELETE, { method: "DELETE", key: adminA, params: { id: memberOfB.userId } })).status,
    ).toBe(404);
    const adminB = await makeKey(b.orgId);
    expect((await call(one.GET, { key: adminB, params: { id: memberOfB.userId } })).json.role).toBe("staff");

    const bad = await call(collection.POST, {
      method: "POST",
      key: adminA,
      body: { email: "nope", role: "root", password: "short" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      "email",
      "password",
      "role",
    ]);
  });

  it("audits every change with the changed fields", async () => {
    const { orgId } = await makeOrg();
    const admin = await makeKey(orgId);
    const created = await call(collection.POST, {
      method: "POST",
      key: admin,
      body: { email: `${uniq("a")}@example.test`, role: "staff", password: "long-enough-pw" },
    });
    await call(one.PATCH, {
      method: "PATCH",
      key: admin,
      params: { id: created.json.id },
      body: { role: "admin" },
    });
    const { listAuditLogs } = await import("@/lib/services/audit/list");
    const { systemCtx } = await import("@/lib/services/context");
    const page = await listAuditLogs({
      ctx: systemCtx(orgId),
      input: { limit: 10, resource_id: created.json.id },
    });
    expect(page.data.map((e) => e.action)).toEqual(["member.role_changed", "member.added"]);
    expect(page.data[0]?.changes).toEqual({ role: { from: "staff", to: "admin" } });
    expect(JSON.stringify(page.data)).not.toContain("long-enough-pw");
  });
});
