import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import * as email from "@/app/api/v1/email/send/route";
import * as emailBulk from "@/app/api/v1/email/send-bulk/route";
import * as one from "@/app/api/v1/messages/[id]/route";
import * as optIns from "@/app/api/v1/opt-ins/route";
import * as check from "@/app/api/v1/opt-outs/check/route";
import * as exportCsv from "@/app/api/v1/opt-outs/export/route";
import * as optOuts from "@/app/api/v1/opt-outs/route";
import * as sms from "@/app/api/v1/sms/send/route";
import * as smsBulk from "@/app/api/v1/sms/send-bulk/route";
import * as unsuppress from "@/app/api/v1/suppressions/[id]/route";
import * as suppressions from "@/app/api/v1/suppressions/route";
import { drainJobs } from "@/lib/jobs/runner";
import { call, makeKey, makeOrg } from "../factories";

describe("opt-outs and suppressions", () => {
  it("records an opt-out with the number normalised, checks it, and refuses sends with 422 opted_out", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const created = await call(optOuts.POST, {
      method: "POST",
      key,
      body: { address: "(202) 555-0142", channel: "sms", reason: "asked by phone" },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      address: "+12025550142",
      channel: "sms",
      category: null,
      source: "api",
    });
    const c = await call(check.GET, {
      key,
      path: "/opt-outs/check?address=2025550142&channel=sms&category=marketing",
    });
    expect(c.json).toMatchObject({ address: "+12025550142", opted_out: true, reason: "asked by phone" });
    expect(c.json.since).toBe(created.json.created_at);
    const refused = await call(sms.POST, {
      method: "POST",
      key,
      body: { to: "+12025550142", message: "hi", category: "otp" },
    });
    expect(refused.status).toBe(422);
    expect(refused.json.error).toMatchObject({ code: "opted_out" });
    expect(refused.json.error.details[0].field).toBe("to");
    const lifted = await call(optIns.POST, {
      method: "POST",
      key,
      body: { address: "+12025550142", channel: "sms" },
    });
    expect(lifted.json.removed).toBe(1);
    expect(
      (await call(sms.POST, { method: "POST", key, body: { to: "+12025550142", message: "hi" } })).status,
    ).toBe(202);
  });

  it("applies category opt-outs to that category only, never to transactional or OTP", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    await call(optOuts.POST, {
      method: "POST",
      key,
      body: { address: "a@example.com", channel: "email", category: "marketing" },
    });
    await call(optOuts.POST, {
      method: "POST",
      key,
      body: { address: "a@example.com", channel: "email", category: "transactional" },
    });
    const body = { to: "a@example.com", subject: "s", text: "t" };
    expect(
      (await call(email.POST, { method: "POST", key, body: { ...body, category: "marketing" } })).status,
    ).toBe(422);
    expect(
      (await call(email.POST, { method: "POST", key, body: { ...body, category: "reminder" } })).status,
    ).toBe(202);
    expect(
      (await call(email.POST, { method: "POST", key, body: { ...body, category: "transactional" } })).status,
    ).toBe(202);
    expect((await call(email.POST, { method: "POST", key, body: { ...body, category: "otp" } })).status).toBe(
      202,
    );
    // SMS is another channel.
    expect(
      (
        await call(sms.POST, {
          method: "POST",
          key,
          body: { to: "+12025550142", message: "x", category: "marketing" },
        })
      ).status,
    ).toBe(202);
  });

  it("rejects opted-out and suppressed recipients in bulk with the reason", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    await call(optOuts.POST, { method: "POST", key, body: { address: "+447911123456", channel: "sms" } });
    await call(suppressions.POST, {
      method: "POST",
      key,
      body: { address: "Bounced@Example.com", reason: "mailbox gone" },
    });
    const s = await call(smsBulk.POST, {
      method: "POST",
      key,
      body: { message: "hi", recipients: [{ to: "+447911123456" }, { to: "+12025550142" }] },
    });
    expect(s.json.accepted).toBe(1);
    expect(s.json.rejected).toEqual([
      { index: 0, reason: "opted_out: recipients.0.to is opted out of all sms" },
    ]);
    const e = await call(emailBulk.POST, {
      method: "POST",
      key,
      body: {
        subject: "s",
        text: "t",
        recipients: [{ email: "bounced@example.com" }, { email: "ok@example.com" }],
      },
    });
    expect(e.json.accepted).toBe(1);
    expect(e.json.rejected[0].reason).toContain("suppressed");
    const single = await call(email.POST, {
      method: "POST",
      key,
      body: { to: "bounced@example.com", subject: "s", text: "t" },
    });
    expect(single.status).toBe(422);
    expect(single.json.error.code).toBe("suppressed");
    const list = await call(suppressions.GET, { key });
    expect(list.json.data[0]).toMatchObject({
      address: "bounced@example.com",
      reason: "manual",
      detail: "mailbox gone",
    });
    await call(unsuppress.DELETE, { method: "DELETE", key, params: { id: list.json.data[0].id } });
    expect(
      (
        await call(email.POST, {
          method: "POST",
          key,
          body: { to: "bounced@example.com", subject: "s", text: "t" },
        })
      ).status,
    ).toBe(202);
  });

  it("rejects at delivery a scheduled message whose recipient opted out in the meantime", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const soon = new Date(Date.now() + 500).toISOString();
    const m = await call(sms.POST, {
      method: "POST",
      key,
      body: { to: "+12025550142", message: "later", send_at: soon },
    });
    await call(optOuts.POST, { method: "POST", key, body: { address: "+12025550142", channel: "sms" } });
    await new Promise((r) => setTimeout(r, 600));
    await drainJobs();
    const detail = (await call(one.GET, { key, params: { id: m.json.id } })).json;
    expect(detail.status).toBe("rejected");
    expect(detail.attempts).toEqual([]);
  });

  it("exports a compliance CSV and lists with search; names bad fields; keeps organisations apart", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const key = await makeKey(a.orgId);
    await call(optOuts.POST, {
      method: "POST",
      key,
      body: {
        address: "x@example.com",
        channel: "email",
        category: "marketing",
        reason: 'said "no, thanks"',
      },
    });
    await call(optOuts.POST, { method: "POST", key, body: { address: "+12025550142", channel: "sms" } });
    const res = await exportCsv.GET(
      new Request("http://localhost/api/v1/opt-outs/export", { headers: { authorization: `Bearer ${key}` } }),
      {
        params: Promise.resolve({}),
      },
    );
    expect(res.headers.get("content-type")).toContain("text/csv");
    const lines = (await res.text()).trim().split("\n");
    expect(lines[0]).toBe("address,channel,category,source,reason,created_at,updated_at");
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.startsWith('x@example.com,email,marketing,api,"said ""no, thanks"""'))).toBe(
      true,
    );
    const found = await call(optOuts.GET, { key, path: "/opt-outs?q=example" });
    expect(found.json.data.map((o: { address: string }) => o.address)).toEqual(["x@example.com"]);
    const bad = await call(optOuts.POST, {
      method: "POST",
      key,
      body: { address: "not-a-number", channel: "sms" },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details[0].field).toBe("address");
    const badChannel = await call(optOuts.POST, {
      method: "POST",
      key,
      body: { address: "x@example.com", channel: "fax" },
    });
    expect(badChannel.status).toBe(400);
    expect((await call(optOuts.GET, { key: await makeKey(b.orgId) })).json.data).toEqual([]);
    expect((await call(optOuts.GET)).status).toBe(401);
  });

  it("writes opt-out cells that could start a formula as text", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    // (Reasons are trimmed on input, so a leading tab or CR cannot reach this file; lists cover those.)
    const reasons = ['=HYPERLINK("http://evil.test")', "+1+1", "-1", "@SUM(A1)"];
    for (const [i, reason] of reasons.entries()) {
      await call(optOuts.POST, {
        method: "POST",
        key,
        body: { address: `f${i}@example.com`, channel: "email", reason },
      });
    }
    await call(optOuts.POST, { method: "POST", key, body: { address: "+12025550142", channel: "sms" } });
    const res = await exportCsv.GET(
      new Request("http://localhost/api/v1/opt-outs/export", { headers: { authorization: `Bearer ${key}` } }),
      { params: Promise.resolve({}) },
    );
    const rows = parse(await res.text()) as string[][];
    const reasonOf = (address: string) => rows.find((r) => r[0] === address)?.[4];
    for (const [i, reason] of reasons.entries()) expect(reasonOf(`f${i}@example.com`)).toBe(`'${reason}`);
    expect(rows.some((r) => r[0] === "'+12025550142")).toBe(true);
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});
