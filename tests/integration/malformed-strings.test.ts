import { describe, expect, it } from "vitest";
import * as lists from "@/app/api/v1/lists/route";
import * as sms from "@/app/api/v1/sms/send/route";
import * as smsBulk from "@/app/api/v1/sms/send-bulk/route";
import { malformedStrings } from "@/lib/api/well-formed";
import { routed, send } from "../api-routes";
import { call, makeKey, makeOrg } from "../factories";

// SPEC §11: a string with a NUL byte or an unpaired surrogate is a 400 naming the field, never a 500.

describe("NUL bytes and unpaired surrogates", () => {
  it("answer 400 naming the field on the SMS and list routes", { timeout: 90_000 }, async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const one = await call(sms.POST, {
      method: "POST",
      key,
      body: { to: "+1202555\u00000142", message: "hi" },
    });
    expect(one.status).toBe(400);
    expect(one.json.error.code).toBe("validation_failed");
    expect(one.json.error.details).toEqual([{ field: "to", message: expect.stringContaining("NUL") }]);

    const surrogate = await call(sms.POST, {
      method: "POST",
      key,
      body: { to: "+12025550142", message: "a\ud800" },
    });
    expect(surrogate.status).toBe(400);
    expect(surrogate.json.error.details).toEqual([
      { field: "message", message: expect.stringContaining("surrogate") },
    ]);

    const bulk = await call(smsBulk.POST, {
      method: "POST",
      key,
      body: {
        message: "hi",
        recipients: [{ to: "+12025550142" }, { to: "\udc00+12025550143", variables: { "k\u0000": "v" } }],
      },
    });
    expect(bulk.status).toBe(400);
    expect(bulk.json.error.details.map((d: { field: string }) => d.field)).toEqual([
      "recipients.1.to",
      "recipients.1.variables.k\\u0000",
    ]);

    const list = await call(lists.POST, { method: "POST", key, body: { name: "News\u0000" } });
    expect(list.status).toBe(400);
    expect(list.json.error.details).toEqual([{ field: "name", message: expect.any(String) }]);
    const query = await call(lists.GET, { key, path: "/lists?cursor=%00" });
    expect(query.status).toBe(400);
    expect(query.json.error.details).toEqual([{ field: "cursor", message: expect.stringContaining("NUL") }]);
  });

  it("answer 400 naming the fields on every /api/v1 body and query string", { timeout: 90_000 }, async () => {
    const { orgId } = await makeOrg();
    const body = JSON.stringify({ to: "a\u0000b", nested: { list: ["fine", "x\ud800"] } });
    const checked = { body: 0, query: 0 };
    for (const r of await routed()) {
      // A key per route keeps the sweep under the per-key rate limit.
      const key = await makeKey(orgId);
      const q = await send(
        r.handler,
        key,
        {
          method: r.op.method,
          url: `http://localhost/api/v1/x?limit=10&q=%00`,
          body: r.op.body ? "{}" : undefined,
        },
        r.params,
      );
      expect(q.status, `${r.name} with a NUL in the query`).toBe(400);
      expect(q.json.error.details, r.name).toEqual([{ field: "q", message: expect.stringContaining("NUL") }]);
      checked.query++;
      if (!r.op.body) continue;
      const b = await send(
        r.handler,
        key,
        { method: r.op.method, url: "http://localhost/api/v1/x", body },
        r.params,
      );
      expect(b.status, `${r.name} with a NUL and a lone surrogate in the body`).toBe(400);
      expect(b.json.error.code).toBe("validation_failed");
      expect(
        b.json.error.details.map((d: { field: string }) => d.field),
        r.name,
      ).toEqual(["to", "nested.list.1"]);
      checked.body++;
    }
    expect(checked.body).toBeGreaterThan(30);
    expect(checked.query).toBeGreaterThan(60);
  });

  it("walks deep and wide input without overflowing", () => {
    let deep: unknown = "\u0000";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(malformedStrings(deep)).toHaveLength(1);
    expect(malformedStrings("\ud800", "body")).toEqual([{ field: "body", message: expect.any(String) }]);
    expect(malformedStrings({ emoji: "😀 fine", ok: ["a", 1, null, true] })).toEqual([]);
    expect(malformedStrings(Array.from({ length: 1000 }, () => "\u0000"))).toHaveLength(50);
  });
});
