import { describe, expect, it } from "vitest";
import * as preview from "@/app/api/v1/templates/[id]/preview/route";
import * as one from "@/app/api/v1/templates/[id]/route";
import * as versions from "@/app/api/v1/templates/[id]/versions/route";
import * as collection from "@/app/api/v1/templates/route";
import { call, makeKey, makeOrg } from "../factories";

describe("templates API", () => {
  it("seeds the default templates for every new organisation", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const list = await call(collection.GET, { key });
    const names = list.json.data.map((t: { channel: string; name: string }) => `${t.channel}:${t.name}`);
    for (const n of [
      "sms:OTP code",
      "email:Welcome",
      "email:Payment reminder",
      "sms:Order ready",
      "sms:Appointment reminder",
      "email:Maintenance notice",
    ]) {
      expect(names).toContain(n);
    }
    const otp = list.json.data.find(
      (t: { name: string; channel: string }) => t.name === "OTP code" && t.channel === "sms",
    );
    expect(otp).toMatchObject({ category: "otp", version: 1 });
    expect(otp.variables).toEqual(["code", "minutes", "organisation"]);
  });

  it("versions each content change, previews with missing variables, and filters", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const t = await call(collection.POST, {
      method: "POST",
      key,
      body: { channel: "sms", name: "Pickup notice", category: "transactional", body: "Hi {{name}}" },
    });
    expect(t.json).toMatchObject({ version: 1, variables: ["name"] });
    const v2 = await call(one.PATCH, {
      method: "PATCH",
      key,
      params: { id: t.json.id },
      body: { body: "Hi {{name}}, order {{order}} is ready" },
    });
    expect(v2.json.version).toBe(2);
    const renamed = await call(one.PATCH, {
      method: "PATCH",
      key,
      params: { id: t.json.id },
      body: { name: "Pickup notice v2" },
    });
    expect(renamed.json.version).toBe(2);
    const history = await call(versions.GET, { key, params: { id: t.json.id } });
    expect(history.json.data.map((v: { version: number; body: string }) => [v.version, v.body])).toEqual([
      [2, "Hi {{name}}, order {{order}} is ready"],
      [1, "Hi {{name}}"],
    ]);
    const p = await call(preview.POST, {
      method: "POST",
      key,
      params: { id: t.json.id },
      body: { variables: { name: "Zoë & co" } },
    });
    expect(p.json).toMatchObject({
      body: "Hi Zoë & co, order  is ready",
      missing_variables: ["order"],
      subject: null,
    });
    expect(p.json.sms).toEqual({ encoding: "UCS-2", segments: 1, characters: 28 });
    const smsOnly = await call(collection.GET, { key, path: "/templates?channel=sms&q=pickup" });
    expect(smsOnly.json.data.map((x: { id: string }) => x.id)).toEqual([t.json.id]);
  });

  it("escapes variables in HTML only", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const t = await call(collection.POST, {
      method: "POST",
      key,
      body: { channel: "email", name: "E", subject: "For {{who}}", html: "<b>{{who}}</b>", text: "{{who}}" },
    });
    const p = await call(preview.POST, {
      method: "POST",
      key,
      params: { id: t.json.id },
      body: { variables: { who: "<Tom & Jerry>" } },
    });
    expect(p.json).toMatchObject({
      subject: "For <Tom & Jerry>",
      html: "<b>&lt;Tom &amp; Jerry&gt;</b>",
      text: "<Tom & Jerry>",
      missing_variables: [],
    });
  });

  it("names bad fields: missing parts, duplicate names, mustache syntax", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const noBody = await call(collection.POST, {
      method: "POST",
      key,
      body: { channel: "email", name: "X" },
    });
    expect(noBody.status).toBe(400);
    expect(noBody.json.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      "html",
      "subject",
    ]);
    const syntax = await call(collection.POST, {
      method: "POST",
      key,
      body: { channel: "sms", name: "Broken", body: "Hi {{#name}}" },
    });
    expect(syntax.status).toBe(400);
    expect(syntax.json.error.details[0].field).toBe("body");
    await call(collection.POST, { method: "POST", key, body: { channel: "sms", name: "Same", body: "a" } });
    const dup = await call(collection.POST, {
      method: "POST",
      key,
      body: { channel: "sms", name: "Same", body: "b" },
    });
    expect(dup.json.error.details[0]).toEqual({
      field: "name",
      message: "is already used by another sms template",
    });
    // The same name on the other channel is fine.
    const email = await call(collection.POST, {
      method: "POST",
      key,
      body: { channel: "email", name: "Same", subject: "s", text: "t" },
    });
    expect(email.status).toBe(201);
  });

  it("answers 404 for another organisation's template and 401 without a key", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const tb = await call(collection.POST, {
      method: "POST",
      key: await makeKey(b.orgId),
      body: { channel: "sms", name: "B", body: "b" },
    });
    const keyA = await makeKey(a.orgId);
    expect((await call(one.GET, { key: keyA, params: { id: tb.json.id } })).status).toBe(404);
    expect(
      (await call(one.PATCH, { method: "PATCH", key: keyA, params: { id: tb.json.id }, body: { body: "x" } }))
        .status,
    ).toBe(404);
    expect(
      (await call(preview.POST, { method: "POST", key: keyA, params: { id: tb.json.id }, body: {} })).status,
    ).toBe(404);
    expect((await call(versions.GET, { key: keyA, params: { id: tb.json.id } })).status).toBe(404);
    expect((await call(one.DELETE, { method: "DELETE", key: keyA, params: { id: tb.json.id } })).status).toBe(
      404,
    );
    expect((await call(collection.GET)).status).toBe(401);
  });
});
