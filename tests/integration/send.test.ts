import { describe, expect, it } from "vitest";
import * as email from "@/app/api/v1/email/send/route";
import * as emailBulk from "@/app/api/v1/email/send-bulk/route";
import * as cancel from "@/app/api/v1/messages/[id]/cancel/route";
import * as one from "@/app/api/v1/messages/[id]/route";
import * as list from "@/app/api/v1/messages/route";
import * as outbox from "@/app/api/v1/outbox/route";
import * as segments from "@/app/api/v1/sms/segments/route";
import * as sms from "@/app/api/v1/sms/send/route";
import * as smsBulk from "@/app/api/v1/sms/send-bulk/route";
import * as templates from "@/app/api/v1/templates/route";
import { drainJobs } from "@/lib/jobs/runner";
import { call, makeKey, makeOrg } from "../factories";

describe("sending with no configuration (sandbox email, console SMS)", () => {
  it("queues an email, delivers it to the outbox, and records the attempt and events", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const res = await call(email.POST, {
      method: "POST",
      key,
      body: {
        to: "Ada@Example.com",
        subject: "Hello",
        html: "<p>Hi</p>",
        text: "Hi",
        metadata: { order: 42 },
      },
    });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({
      channel: "email",
      status: "queued",
      to: "ada@example.com",
      subject: "Hello",
      metadata: { order: 42 },
    });
    await drainJobs();
    const detail = await call(one.GET, { key, params: { id: res.json.id } });
    expect(detail.json.status).toBe("sent");
    expect(detail.json.provider_type).toBe("sandbox");
    expect(detail.json.attempts).toHaveLength(1);
    expect(detail.json.attempts[0]).toMatchObject({
      outcome: "success",
      provider_type: "sandbox",
      error: null,
    });
    expect(detail.json.events.map((e: { type: string }) => e.type)).toEqual(["queued", "sending", "sent"]);
    const box = await call(outbox.GET, { key, path: "/outbox?channel=email" });
    const item = box.json.data.find((o: { message_id: string }) => o.message_id === res.json.id);
    expect(item.subject).toBe("Hello");
    expect(item.raw).toContain(`Message-ID: <${res.json.id}@switchboard.local>`);
  });

  it("normalises SMS numbers, counts segments and estimates cost; bad input names the field", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const ok = await call(sms.POST, {
      method: "POST",
      key,
      body: { to: "(202) 555-0142", message: "Your code is 1234 😀" },
    });
    expect(ok.status).toBe(202);
    expect(ok.json).toMatchObject({ to: "+12025550142", encoding: "UCS-2", segments: 1, estimated_cost: 0 });
    const invalid = await call(sms.POST, { method: "POST", key, body: { to: "12345", message: "x" } });
    expect(invalid.status).toBe(422);
    expect(invalid.json.error.details[0].field).toBe("to");
    const long = await call(sms.POST, {
      method: "POST",
      key,
      body: { to: "+12025550142", message: "a".repeat(1601) },
    });
    expect(long.status).toBe(422);
    expect(long.json.error.details[0].field).toBe("message");
    const missing = await call(sms.POST, { method: "POST", key, body: { to: "+12025550142" } });
    expect(missing.status).toBe(400);
    expect(missing.json.error.details[0].field).toBe("message");
    await drainJobs();
    const detail = await call(one.GET, { key, params: { id: ok.json.id } });
    expect(detail.json).toMatchObject({
      status: "sent",
      provider_type: "console",
      body: "Your code is 1234 😀",
    });
  });

  it("renders templates, refuses missing variables with 422 naming them, and records the version", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const t = await call(templates.POST, {
      method: "POST",
      key,
      body: {
        channel: "email",
        name: "Receipt",
        subject: "Receipt {{number}}",
        html: "<p>{{name}} paid {{amount}}</p>",
        text: "{{name}} paid {{amount}}",
      },
    });
    expect(t.status).toBe(201);
    const missing = await call(email.POST, {
      method: "POST",
      key,
      body: { to: "a@example.com", template_id: t.json.id, variables: { name: "Ada" } },
    });
    expect(missing.status).toBe(422);
    expect(missing.json.error.code).toBe("missing_variables");
    expect(missing.json.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      "variables.amount",
      "variables.number",
    ]);
    const sent = await call(email.POST, {
      method: "POST",
      key,
      body: {
        to: "a@example.com",
        template_id: t.json.id,
        variables: { name: "<Ada>", amount: "£5", number: 7 },
      },
    });
    expect(sent.status).toBe(202);
    expect(sent.json).toMatchObject({ subject: "Receipt 7", template_id: t.json.id, template_version: 1 });
    const detail = await call(one.GET, { key, params: { id: sent.json.id } });
    // HTML-escaped in the HTML part (followed by the open-tracking pixel), verbatim in the text part.
    expect(detail.json.html.startsWith("<p>&lt;Ada&gt; paid £5</p>")).toBe(true);
    expect(detail.json.text).toBe("<Ada> paid £5");
  });

  it("replays the first answer for a repeated Idempotency-Key and refuses it with another body", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const body = { to: "+12025550142", message: "once" };
    const headers = { "idempotency-key": "order-77" };
    const first = await call(sms.POST, { method: "POST", key, body, headers });
    const again = await call(sms.POST, { method: "POST", key, body, headers });
    expect(again.status).toBe(202);
    expect(again.json.id).toBe(first.json.id);
    const other = await call(sms.POST, { method: "POST", key, body: { ...body, message: "twice" }, headers });
    expect(other.status).toBe(409);
    const all = await call(list.GET, { key, path: "/messages?channel=sms" });
    expect(all.json.data).toHaveLength(1);
    // Another organisation may use the same key independently.
    const otherOrg = await makeOrg();
    const res = await call(sms.POST, { method: "POST", key: await makeKey(otherOrg.orgId), body, headers });
    expect(res.json.id).not.toBe(first.json.id);
  });

  it("accepts bulk sends per recipient and rejects bad ones by index", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const res = await call(emailBulk.POST, {
      method: "POST",
      key,
      body: {
        subject: "Hi {{name}}",
        text: "Code {{code}}",
        recipients: [
          { email: "a@example.com", name: "A", variables: { code: 1 } },
          { email: "not-an-email" },
          { email: "b@example.com", name: "B" },
        ],
      },
    });
    expect(res.status).toBe(202);
    // Inline content with per-recipient variables renders like a template: a hole is refused.
    expect(res.json.accepted).toBe(1);
    expect(res.json.rejected).toEqual([
      { index: 1, reason: "invalid_email: recipients.1.email must be an email address" },
      { index: 2, reason: "missing_variables: variables.code is required by the template" },
    ]);
    const smsRes = await call(smsBulk.POST, {
      method: "POST",
      key,
      body: {
        message: "Hello",
        recipients: [{ to: "+447911123456" }, { to: "garbage" }, { to: "+12025550142" }],
      },
    });
    expect(smsRes.json.accepted).toBe(2);
    expect(smsRes.json.rejected[0].index).toBe(1);
    expect(smsRes.json.rejected[0].reason).toContain("recipients.1.to");
    await drainJobs();
    const sent = await call(list.GET, { key, path: "/messages?status=sent" });
    expect(sent.json.data).toHaveLength(3);
    const detail = await call(one.GET, {
      key,
      params: { id: sent.json.data.find((m: { channel: string }) => m.channel === "email").id },
    });
    expect(detail.json).toMatchObject({ subject: "Hi A", text: "Code 1" });
  });

  it("schedules with send_at; a scheduled message can be cancelled and is then never sent", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const later = new Date(Date.now() + 3600_000).toISOString();
    const res = await call(email.POST, {
      method: "POST",
      key,
      body: { to: "a@example.com", subject: "Later", text: "x", send_at: later },
    });
    expect(res.json).toMatchObject({ status: "scheduled", scheduled_at: later });
    await drainJobs();
    expect((await call(one.GET, { key, params: { id: res.json.id } })).json.status).toBe("scheduled");
    const cancelled = await call(cancel.POST, { method: "POST", key, params: { id: res.json.id } });
    expect(cancelled.json.status).toBe("cancelled");
    const again = await call(cancel.POST, { method: "POST", key, params: { id: res.json.id } });
    expect(again.status).toBe(409);
    const bad = await call(email.POST, {
      method: "POST",
      key,
      body: { to: "a@example.com", subject: "x", text: "x", send_at: "tomorrow" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].field).toBe("send_at");
  });

  it("defers marketing SMS during the recipient's quiet hours, not transactional ones", async () => {
    const { orgId } = await makeOrg({ quietHours: true });
    const key = await makeKey(orgId);
    const numbers: Record<string, string> = {
      "America/New_York": "+12025550142",
      "Europe/London": "+447911123456",
      "Asia/Tokyo": "+819012345678",
      "Australia/Sydney": "+61412345678",
      "Asia/Kolkata": "+919812345678",
    };
    const hour = (tz: string) =>
      Number(
        new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", hourCycle: "h23" }).format(
          new Date(),
        ),
      );
    const quiet = Object.keys(numbers).find((tz) => hour(tz) >= 21 || hour(tz) < 8);
    const awake = Object.keys(numbers).find((tz) => hour(tz) >= 9 && hour(tz) < 20);
    if (quiet) {
      const to = numbers[quiet] as string;
      const m = await call(sms.POST, {
        method: "POST",
        key,
        body: { to, message: "Sale!", category: "marketing" },
      });
      expect(m.json.status).toBe("scheduled");
      const at = new Date(m.json.scheduled_at);
      expect(
        new Intl.DateTimeFormat("en-GB", {
          timeZone: quiet,
          hour: "2-digit",
          minute: "2-digit",
          hourCycle: "h23",
        }).format(at),
      ).toBe("08:00");
      const t = await call(sms.POST, {
        method: "POST",
        key,
        body: { to, message: "Your code", category: "otp" },
      });
      expect(t.json.status).toBe("queued");
    }
    if (awake) {
      const m = await call(sms.POST, {
        method: "POST",
        key,
        body: { to: numbers[awake], message: "Sale!", category: "marketing" },
      });
      expect(m.json.status).toBe("queued");
    }
    expect(quiet ?? awake).toBeTruthy();
  });

  it("answers segments as carriers count them", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    expect(
      (await call(segments.POST, { method: "POST", key, body: { text: "a".repeat(161) } })).json,
    ).toEqual({
      encoding: "GSM-7",
      segments: 2,
      characters: 161,
    });
    expect(
      (await call(segments.POST, { method: "POST", key, body: { text: "“smart”" } })).json.encoding,
    ).toBe("UCS-2");
  });

  it("keeps organisations apart and checks roles and input", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const keyA = await makeKey(a.orgId);
    const keyB = await makeKey(b.orgId);
    const m = await call(email.POST, {
      method: "POST",
      key: keyB,
      body: { to: "x@example.com", subject: "s", text: "t" },
    });
    expect((await call(one.GET, { key: keyA, params: { id: m.json.id } })).status).toBe(404);
    expect((await call(cancel.POST, { method: "POST", key: keyA, params: { id: m.json.id } })).status).toBe(
      404,
    );
    expect((await call(list.GET, { key: keyA })).json.data).toEqual([]);
    expect((await call(email.POST, { method: "POST", body: {} })).status).toBe(401);
    const bad = await call(email.POST, {
      method: "POST",
      key: keyA,
      body: { to: "nope", cc: ["also-nope"] },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining(["to", "cc.0", "subject", "html"]),
    );
    const foreignTemplate = await call(templates.POST, {
      method: "POST",
      key: keyB,
      body: { channel: "sms", name: "b", body: "hi" },
    });
    const res = await call(sms.POST, {
      method: "POST",
      key: keyA,
      body: { to: "+12025550142", template_id: foreignTemplate.json.id },
    });
    expect(res.status).toBe(422);
    expect(res.json.error.details[0].field).toBe("template_id");
  });
});
