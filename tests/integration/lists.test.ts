import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import * as contactOne from "@/app/api/v1/contacts/[id]/route";
import * as importRoute from "@/app/api/v1/contacts/import/route";
import * as contacts from "@/app/api/v1/contacts/route";
import * as listExport from "@/app/api/v1/lists/[id]/export/route";
import * as members from "@/app/api/v1/lists/[id]/members/route";
import * as listOne from "@/app/api/v1/lists/[id]/route";
import * as lists from "@/app/api/v1/lists/route";
import { drainJobs } from "@/lib/jobs/runner";
import { call, makeKey, makeOrg } from "../factories";

async function exportCsv(key: string, id: string) {
  const res = await listExport.GET(
    new Request(`http://localhost/api/v1/lists/${id}/export`, {
      headers: { authorization: `Bearer ${key}` },
    }),
    { params: Promise.resolve({ id }) },
  );
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

describe("lists API", () => {
  it("creates, renames and deletes lists with member counts; names are unique", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const created = await call(lists.POST, {
      method: "POST",
      key,
      body: { name: "Customers", description: "Paying" },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: "Customers", description: "Paying", member_count: 0 });
    const dup = await call(lists.POST, { method: "POST", key, body: { name: "Customers" } });
    expect(dup.status).toBe(409);
    expect(dup.json.error.details[0].field).toBe("name");
    expect((await call(lists.POST, { method: "POST", key, body: { name: " " } })).status).toBe(400);
    const other = await call(lists.POST, { method: "POST", key, body: { name: "Prospects" } });
    const renamed = await call(listOne.PATCH, {
      method: "PATCH",
      key,
      params: { id: created.json.id },
      body: { name: "Clients", description: "" },
    });
    expect(renamed.json).toMatchObject({ name: "Clients", description: null });
    const clash = await call(listOne.PATCH, {
      method: "PATCH",
      key,
      params: { id: other.json.id },
      body: { name: "Clients" },
    });
    expect(clash.status).toBe(409);
    const all = await call(lists.GET, { key });
    expect(all.json.data.map((l: { name: string }) => l.name).sort()).toEqual(["Clients", "Prospects"]);
    expect((await call(lists.GET, { key, path: "/lists?q=pros" })).json.data).toHaveLength(1);
    expect(
      (await call(listOne.DELETE, { method: "DELETE", key, params: { id: other.json.id } })).status,
    ).toBe(204);
    expect((await call(listOne.GET, { key, params: { id: other.json.id } })).status).toBe(404);
  });

  it("adds and removes members, ignoring ids that are not this organisation's contacts", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const key = await makeKey(a.orgId);
    const keyB = await makeKey(b.orgId);
    const list = await call(lists.POST, { method: "POST", key, body: { name: "Team" } });
    const ids: string[] = [];
    for (const email of ["x@example.com", "y@example.com", "z@example.com"]) {
      ids.push((await call(contacts.POST, { method: "POST", key, body: { email } })).json.id);
    }
    const theirs = (
      await call(contacts.POST, { method: "POST", key: keyB, body: { email: "x@example.com" } })
    ).json.id;
    const unknown = "00000000-0000-4000-8000-000000000001";
    const added = await call(members.POST, {
      method: "POST",
      key,
      params: { id: list.json.id },
      body: { contact_ids: [ids[0], ids[1], theirs, unknown, ids[0]] },
    });
    expect(added.status).toBe(200);
    expect(added.json).toEqual({ added: 2, not_found: [theirs, unknown] });
    const again = await call(members.POST, {
      method: "POST",
      key,
      params: { id: list.json.id },
      body: { contact_ids: [ids[1], ids[2]] },
    });
    expect(again.json).toEqual({ added: 1, not_found: [] });
    expect((await call(listOne.GET, { key, params: { id: list.json.id } })).json.member_count).toBe(3);
    const page = await call(members.GET, {
      key,
      params: { id: list.json.id },
      path: "/lists/x/members?limit=2",
    });
    expect(page.json.data).toHaveLength(2);
    const rest = await call(members.GET, {
      key,
      params: { id: list.json.id },
      path: `/lists/x/members?limit=2&cursor=${page.json.next_cursor}`,
    });
    expect([...page.json.data, ...rest.json.data].map((c: { id: string }) => c.id).sort()).toEqual(
      [...ids].sort(),
    );
    expect((await call(contactOne.GET, { key, params: { id: ids[0] as string } })).json.list_ids).toEqual([
      list.json.id,
    ]);

    const removed = await call(members.DELETE, {
      method: "DELETE",
      key,
      params: { id: list.json.id },
      body: { contact_ids: [ids[0], theirs] },
    });
    expect(removed.json).toEqual({ removed: 1, not_found: [theirs] });
    expect((await call(listOne.GET, { key, params: { id: list.json.id } })).json.member_count).toBe(2);
    // Deleting a contact removes its membership; deleting the list keeps the contacts.
    await call(contactOne.DELETE, { method: "DELETE", key, params: { id: ids[1] as string } });
    expect((await call(listOne.GET, { key, params: { id: list.json.id } })).json.member_count).toBe(1);
    await call(listOne.DELETE, { method: "DELETE", key, params: { id: list.json.id } });
    expect((await call(contactOne.GET, { key, params: { id: ids[2] as string } })).status).toBe(200);

    const bad = await call(members.POST, {
      method: "POST",
      key,
      params: { id: list.json.id },
      body: { contact_ids: ["nope"] },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].field).toBe("contact_ids.0");
  });

  it("exports a list as streamed CSV with attribute columns, quoting as needed", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const list = await call(lists.POST, { method: "POST", key, body: { name: "Export me" } });
    await call(contacts.POST, {
      method: "POST",
      key,
      body: {
        email: "ada@example.com",
        name: "Lovelace, Ada",
        attributes: { plan: "pro", seats: 3 },
        list_ids: [list.json.id],
      },
    });
    await call(contacts.POST, {
      method: "POST",
      key,
      body: {
        phone: "+447911123456",
        timezone: "Europe/London",
        attributes: { region: "eu" },
        list_ids: [list.json.id],
      },
    });
    await call(contacts.POST, { method: "POST", key, body: { email: "not-in-list@example.com" } });
    const csv = await exportCsv(key, list.json.id);
    expect(csv.status).toBe(200);
    expect(csv.type).toContain("text/csv");
    const lines = csv.text.trim().split("\n").sort();
    expect(lines).toEqual([
      // A leading + could start a formula in a spreadsheet: written as text (SPEC §11).
      ",'+447911123456,,Europe/London,,,eu,",
      'ada@example.com,,"Lovelace, Ada",,,pro,,3',
      "email,phone,name,timezone,locale,plan,region,seats",
    ]);
  });

  it("writes cells that could start a formula as text, and imports its own export back as it was", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const list = await call(lists.POST, { method: "POST", key, body: { name: "Formulas" } });
    const attributes = {
      plan: '=HYPERLINK("http://evil.test","x")',
      note: "@SUM(A1:A9)",
      delta: "-2+3",
      tabbed: "\tcmd",
      cr: "\rcmd",
      score: -5,
      "=cmd|' /C calc'!A0": "header cell",
      safe: "plain",
    };
    await call(contacts.POST, {
      method: "POST",
      key,
      body: {
        email: "f@example.com",
        phone: "+12025550199",
        name: "+Name",
        attributes,
        list_ids: [list.json.id],
      },
    });
    const csv = await exportCsv(key, list.json.id);
    const [header, row] = parse(csv.text) as string[][];
    const cellOf = (column: string) => row?.[header?.indexOf(column) ?? -1];
    expect(header).toContain("'=cmd|' /C calc'!A0");
    expect(cellOf("phone")).toBe("'+12025550199");
    expect(cellOf("name")).toBe("'+Name");
    expect(cellOf("plan")).toBe(`'${attributes.plan}`);
    expect(cellOf("note")).toBe("'@SUM(A1:A9)");
    expect(cellOf("delta")).toBe("'-2+3");
    expect(cellOf("tabbed")).toBe("'\tcmd");
    expect(cellOf("cr")).toBe("'\rcmd");
    expect(cellOf("score")).toBe("'-5");
    expect(cellOf("safe")).toBe("plain");
    for (const cell of [...(header ?? []), ...(row ?? [])]) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

    // The import reads the apostrophe back off: the file round-trips into another organisation.
    const other = await makeOrg();
    const otherKey = await makeKey(other.orgId);
    const imported = await call(importRoute.POST, {
      method: "POST",
      key: otherKey,
      path: "/contacts/import",
      rawBody: csv.text,
      headers: { "content-type": "text/csv; charset=utf-8" },
    });
    expect(imported.status).toBe(202);
    await drainJobs();
    const found = await call(contacts.GET, { key: otherKey, path: "/contacts?q=f@example.com" });
    expect(found.json.data[0]).toMatchObject({
      email: "f@example.com",
      phone: "+12025550199",
      name: "+Name",
    });
    expect(found.json.data[0].attributes).toMatchObject({ plan: attributes.plan, note: "@SUM(A1:A9)" });
  });

  it("keeps organisations apart (404) and requires a key (401)", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const key = await makeKey(a.orgId);
    const keyB = await makeKey(b.orgId);
    const list = await call(lists.POST, { method: "POST", key, body: { name: "Mine" } });
    const params = { id: list.json.id };
    expect((await call(listOne.GET, { key: keyB, params })).status).toBe(404);
    expect(
      (await call(listOne.PATCH, { method: "PATCH", key: keyB, params, body: { name: "x" } })).status,
    ).toBe(404);
    expect((await call(listOne.DELETE, { method: "DELETE", key: keyB, params })).status).toBe(404);
    expect((await call(members.GET, { key: keyB, params })).status).toBe(404);
    const c = await call(contacts.POST, { method: "POST", key: keyB, body: { email: "b@example.com" } });
    expect(
      (await call(members.POST, { method: "POST", key: keyB, params, body: { contact_ids: [c.json.id] } }))
        .status,
    ).toBe(404);
    expect((await exportCsv(keyB, list.json.id)).status).toBe(404);
    expect((await call(lists.GET, { key: keyB })).json.data).toEqual([]);
    // The same name in another organisation is fine.
    expect((await call(lists.POST, { method: "POST", key: keyB, body: { name: "Mine" } })).status).toBe(201);
    expect((await call(lists.GET)).status).toBe(401);
    expect((await call(listOne.GET, { params })).status).toBe(401);
  });
});
