import { describe, expect, it } from "vitest";
import * as auditLogs from "@/app/api/v1/audit-logs/route";
import * as erase from "@/app/api/v1/contacts/[id]/erase/route";
import * as exportContact from "@/app/api/v1/contacts/[id]/export/route";
import * as one from "@/app/api/v1/contacts/[id]/route";
import * as importCsv from "@/app/api/v1/contacts/import/route";
import * as importStatus from "@/app/api/v1/contacts/imports/[id]/route";
import * as contacts from "@/app/api/v1/contacts/route";
import * as listExport from "@/app/api/v1/lists/[id]/export/route";
import * as listMembers from "@/app/api/v1/lists/[id]/members/route";
import * as listOne from "@/app/api/v1/lists/[id]/route";
import * as lists from "@/app/api/v1/lists/route";
import { call, makeKey, makeOrg } from "../factories";

describe("contacts API", () => {
  it("creates, reads, updates and deletes a contact, normalising email and phone", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const created = await call(contacts.POST, {
      method: "POST",
      key,
      body: {
        email: "  Ada@Example.COM ",
        phone: "(202) 555-0142",
        name: "Ada Lovelace",
        timezone: "europe/london",
        locale: "en_gb",
        attributes: { plan: "pro", seats: 3 },
      },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      email: "ada@example.com",
      phone: "+12025550142",
      name: "Ada Lovelace",
      timezone: "Europe/London",
      locale: "en-GB",
      attributes: { plan: "pro", seats: 3 },
      erased_at: null,
    });
    const id = created.json.id;
    const got = await call(one.GET, { key, params: { id } });
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ id, email: "ada@example.com", list_ids: [] });

    const patched = await call(one.PATCH, {
      method: "PATCH",
      key,
      params: { id },
      body: { name: "Ada King", timezone: null, attributes: { seats: null, team: "math" } },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      name: "Ada King",
      timezone: null,
      attributes: { plan: "pro", team: "math" },
    });
    expect(patched.json.attributes).not.toHaveProperty("seats");

    const audit = await call(auditLogs.GET, {
      key: await makeKey(orgId, "admin"),
      path: "/audit-logs?resource_type=contact",
    });
    expect(audit.json.data.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(["contact.created", "contact.updated"]),
    );

    expect((await call(one.DELETE, { method: "DELETE", key, params: { id } })).status).toBe(204);
    expect((await call(one.GET, { key, params: { id } })).status).toBe(404);
  });

  it("upserts by email and by phone, merging attributes, and refuses an email and phone of two contacts", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const a = await call(contacts.POST, {
      method: "POST",
      key,
      body: { email: "a@example.com", attributes: { plan: "free", x: 1 } },
    });
    expect(a.status).toBe(201);
    const byEmail = await call(contacts.POST, {
      method: "POST",
      key,
      body: { email: "A@EXAMPLE.com", phone: "+44 7911 123456", attributes: { plan: "pro" } },
    });
    expect(byEmail.status).toBe(200);
    expect(byEmail.json).toMatchObject({
      id: a.json.id,
      phone: "+447911123456",
      attributes: { plan: "pro", x: 1 },
    });

    const byPhone = await call(contacts.POST, {
      method: "POST",
      key,
      body: { phone: "+447911123456", name: "Alice" },
    });
    expect(byPhone.status).toBe(200);
    expect(byPhone.json).toMatchObject({ id: a.json.id, email: "a@example.com", name: "Alice" });

    const b = await call(contacts.POST, { method: "POST", key, body: { phone: "+12025550142" } });
    expect(b.status).toBe(201);
    const clash = await call(contacts.POST, {
      method: "POST",
      key,
      body: { email: "a@example.com", phone: "+12025550142" },
    });
    expect(clash.status).toBe(409);
    expect(clash.json.error.details[0].field).toBe("phone");
    const patchClash = await call(one.PATCH, {
      method: "PATCH",
      key,
      params: { id: b.json.id },
      body: { email: "a@example.com" },
    });
    expect(patchClash.status).toBe(409);
    expect(patchClash.json.error.details[0].field).toBe("email");

    const all = await call(contacts.GET, { key });
    expect(all.json.data).toHaveLength(2);
  });

  it("answers 422 naming the field for an invalid email or phone, and 400 for bad shapes", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const badEmail = await call(contacts.POST, { method: "POST", key, body: { email: "not-an-email" } });
    expect(badEmail.status).toBe(422);
    expect(badEmail.json.error.details).toEqual([{ field: "email", message: "must be an email address" }]);
    const badPhone = await call(contacts.POST, { method: "POST", key, body: { phone: "12345" } });
    expect(badPhone.status).toBe(422);
    expect(badPhone.json.error.details[0].field).toBe("phone");
    const neither = await call(contacts.POST, { method: "POST", key, body: { name: "Nobody" } });
    expect(neither.status).toBe(400);
    expect(neither.json.error.details[0]).toMatchObject({
      field: "email",
      message: "email or phone is required",
    });
    const badZone = await call(contacts.POST, {
      method: "POST",
      key,
      body: { email: "z@example.com", timezone: "Mars/Olympus" },
    });
    expect(badZone.status).toBe(400);
    expect(badZone.json.error.details[0].field).toBe("timezone");
    const badAttrs = await call(contacts.POST, {
      method: "POST",
      key,
      body: { email: "z@example.com", attributes: "plan=pro" },
    });
    expect(badAttrs.status).toBe(400);
    expect(badAttrs.json.error.details[0].field).toBe("attributes");
    const badList = await call(contacts.POST, {
      method: "POST",
      key,
      body: { email: "z@example.com", list_ids: ["00000000-0000-4000-8000-000000000000"] },
    });
    expect(badList.status).toBe(404);
    expect(badList.json.error.details[0].field).toBe("list_ids.0");
    const badFilter = await call(contacts.GET, { key, path: "/contacts?filter=nope" });
    expect(badFilter.status).toBe(400);
    expect(badFilter.json.error.details[0].field).toBe("filter");
    const badLimit = await call(contacts.GET, { key, path: "/contacts?limit=0" });
    expect(badLimit.status).toBe(400);
  });

  it("searches, filters by list and attribute, and pages with a cursor", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const vip = await call(lists.POST, { method: "POST", key, body: { name: "VIP" } });
    const people = [
      { email: "ann@alpha.test", name: "Ann", attributes: { plan: "pro", seats: 5 } },
      { email: "bob@beta.test", name: "Bob", attributes: { plan: "free" } },
      { phone: "+12025550199", name: "Cid", attributes: { plan: "pro" }, list_ids: [vip.json.id] },
      {
        email: "dee@alpha.test",
        name: "Dee Ann",
        attributes: { plan: "pro", seats: 5 },
        list_ids: [vip.json.id],
      },
    ];
    for (const p of people)
      expect((await call(contacts.POST, { method: "POST", key, body: p })).status).toBe(201);
    const names = (r: { json: { data: { name: string }[] } }) => r.json.data.map((c) => c.name).sort();
    expect(names(await call(contacts.GET, { key, path: "/contacts?q=alpha" }))).toEqual(["Ann", "Dee Ann"]);
    expect(names(await call(contacts.GET, { key, path: "/contacts?q=ann" }))).toEqual(["Ann", "Dee Ann"]);
    expect(names(await call(contacts.GET, { key, path: "/contacts?q=(202)%20555-0199" }))).toEqual(["Cid"]);
    expect(names(await call(contacts.GET, { key, path: `/contacts?list_id=${vip.json.id}` }))).toEqual([
      "Cid",
      "Dee Ann",
    ]);
    expect(names(await call(contacts.GET, { key, path: "/contacts?attr.plan=pro&attr.seats=5" }))).toEqual([
      "Ann",
      "Dee Ann",
    ]);
    const filter = encodeURIComponent(JSON.stringify({ plan: "pro" }));
    expect(
      names(await call(contacts.GET, { key, path: `/contacts?filter=${filter}&list_id=${vip.json.id}` })),
    ).toEqual(["Cid", "Dee Ann"]);
    const first = await call(contacts.GET, { key, path: "/contacts?limit=3" });
    expect(first.json.data).toHaveLength(3);
    const second = await call(contacts.GET, {
      key,
      path: `/contacts?limit=3&cursor=${first.json.next_cursor}`,
    });
    expect(second.json.data).toHaveLength(1);
    expect(second.json.next_cursor).toBeNull();
    expect([...names(first), ...names(second)].sort()).toEqual(["Ann", "Bob", "Cid", "Dee Ann"]);
  });

  it("keeps organisations apart (404) and requires a key (401)", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const keyA = await makeKey(a.orgId);
    const keyB = await makeKey(b.orgId);
    const c = await call(contacts.POST, { method: "POST", key: keyA, body: { email: "mine@example.com" } });
    expect((await call(one.GET, { key: keyB, params: { id: c.json.id } })).status).toBe(404);
    expect(
      (await call(one.PATCH, { method: "PATCH", key: keyB, params: { id: c.json.id }, body: { name: "x" } }))
        .status,
    ).toBe(404);
    expect((await call(one.DELETE, { method: "DELETE", key: keyB, params: { id: c.json.id } })).status).toBe(
      404,
    );
    expect((await call(one.GET, { key: keyB, params: { id: "not-a-uuid" } })).status).toBe(404);
    expect((await call(contacts.GET, { key: keyB })).json.data).toEqual([]);
    // The same email in another organisation is another contact.
    expect(
      (await call(contacts.POST, { method: "POST", key: keyB, body: { email: "mine@example.com" } })).status,
    ).toBe(201);
    expect((await call(contacts.GET)).status).toBe(401);
    expect((await call(contacts.POST, { method: "POST", body: { email: "x@example.com" } })).status).toBe(
      401,
    );
    expect((await call(one.GET, { params: { id: c.json.id } })).status).toBe(401);
  });

  it("every contacts and lists route answers 401 without a valid key, and 400/404 for an unknown id", async () => {
    type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
    const modules: Record<string, Record<string, unknown>> = {
      "/contacts": contacts,
      "/contacts/[id]": one,
      "/contacts/[id]/erase": erase,
      "/contacts/[id]/export": exportContact,
      "/contacts/import": importCsv,
      "/contacts/imports/[id]": importStatus,
      "/lists": lists,
      "/lists/[id]": listOne,
      "/lists/[id]/members": listMembers,
      "/lists/[id]/export": listExport,
    };
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const params = { id: "00000000-0000-4000-8000-000000000000" };
    let checked = 0;
    for (const [path, mod] of Object.entries(modules)) {
      for (const m of ["GET", "POST", "PATCH", "DELETE"]) {
        const handler = mod[m] as Handler | undefined;
        if (!handler) continue;
        for (const authorization of [undefined, "Bearer sb_unknown", `Bearer ${key}`]) {
          const headers: Record<string, string> = { "content-type": "application/json" };
          if (authorization) headers.authorization = authorization;
          const req = new Request(`http://localhost/api/v1${path}`, {
            method: m,
            headers,
            body:
              m === "GET" || m === "DELETE"
                ? undefined
                : JSON.stringify({ to: "a@example.com", variables: {} }),
          });
          const res = await handler(req, { params: Promise.resolve(params) });
          if (authorization !== `Bearer ${key}`) expect(res.status, `${m} ${path}`).toBe(401);
          else if (path.includes("[id]")) expect([400, 404], `${m} ${path}`).toContain(res.status);
          checked++;
        }
      }
    }
    expect(checked).toBe(3 * 18);
  });
});
