import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { auditLog, contacts, lists, messages, templates } from "@/lib/db/schema";
import { MAX_BODY_BYTES } from "@/lib/http/body";
import { routed, send } from "../api-routes";
import { makeKey, makeOrg } from "../factories";

// Issue #11's fuzz, for every /api/v1 operation with a body: a body past its cap, a
// deeply nested JSON value, a body that is not JSON under a wrong content type. Never
// a 5xx, and nothing stored.

async function rowCounts(orgId: string) {
  const db = await getDb();
  const n = async (
    table: typeof messages | typeof contacts | typeof lists | typeof templates | typeof auditLog,
  ) => (await db.select({ n: count() }).from(table).where(eq(table.orgId, orgId)))[0]?.n ?? 0;
  return {
    messages: await n(messages),
    contacts: await n(contacts),
    lists: await n(lists),
    templates: await n(templates),
    audit: await n(auditLog),
  };
}

function nested(depth: number): string {
  return `{"name":"x","metadata":${"[".repeat(depth)}1${"]".repeat(depth)}}`;
}

describe("hostile bodies on every /api/v1 route", () => {
  it("a body over the cap is a 413, deep nesting and wrong content types a 4xx, nothing stored", {
    timeout: 180_000,
  }, async () => {
    const { orgId } = await makeOrg();
    const before = await rowCounts(orgId);
    const huge = `{"name":"${"x".repeat(2 * MAX_BODY_BYTES)}"}`;
    let checked = 0;
    for (const r of await routed()) {
      if (!r.op.body) continue;
      const key = await makeKey(orgId);
      const url = "http://localhost/api/v1/x";
      const cap = r.op.maxBodyBytes ?? MAX_BODY_BYTES;
      const big = await send(r.handler, key, { method: r.op.method, url, body: huge }, r.params);
      if (huge.length > cap) expect(big.status, `${r.name}: 2 MB body`).toBe(413);
      else expect(big.status, `${r.name}: 2 MB body under its larger cap`).toBeLessThan(500);

      const deep = await send(r.handler, key, { method: r.op.method, url, body: nested(5000) }, r.params);
      expect(deep.status, `${r.name}: deeply nested JSON`).toBeGreaterThanOrEqual(400);
      expect(deep.status, `${r.name}: deeply nested JSON`).toBeLessThan(500);

      for (const contentType of ["text/plain", "application/xml", "multipart/form-data; boundary=x"]) {
        const wrong = await send(
          r.handler,
          key,
          { method: r.op.method, url, body: "<not>json</not>", contentType },
          r.params,
        );
        expect(wrong.status, `${r.name}: ${contentType}`).toBeGreaterThanOrEqual(400);
        expect(wrong.status, `${r.name}: ${contentType}`).toBeLessThan(500);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
    const after = await rowCounts(orgId);
    // API keys made for the sweep write their own audit rows; nothing else may change.
    expect({ ...after, audit: 0 }).toEqual({ ...before, audit: 0 });
    const db = await getDb();
    const unexpected = await db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.orgId, orgId)));
    expect(unexpected.every((a) => a.action === "api_key.created")).toBe(true);
  });

  it("names a too-deep field", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const sms = (await routed()).find((r) => r.name === "POST /sms/send");
    if (!sms) throw new Error("no POST /sms/send");
    const res = await send(
      sms.handler,
      key,
      {
        method: "POST",
        url: "http://localhost/api/v1/sms/send",
        body: JSON.stringify({
          to: "+12025550142",
          message: "hi",
          metadata: { a: JSON.parse(nested(100)).metadata },
        }),
      },
      sms.params,
    );
    expect(res.status).toBe(400);
    expect(res.json.error.details[0]).toMatchObject({
      message: expect.stringContaining("nested too deeply"),
    });
  });
});
