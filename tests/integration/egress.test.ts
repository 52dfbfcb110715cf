import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as one from "@/app/api/v1/providers/[id]/route";
import * as test from "@/app/api/v1/providers/[id]/test/route";
import * as collection from "@/app/api/v1/providers/route";
import * as sms from "@/app/api/v1/sms/send/route";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { auditLog, messageAttempts, messages } from "@/lib/db/schema";
import { closeEgressAgents } from "@/lib/net/egress";
import { call, makeKey, makeOrg } from "../factories";
import { type HttpDouble, startHttpDouble } from "../providers/http-double";

// Runs with EGRESS_ALLOW_PRIVATE=1 (vitest.config.ts): the loopback doubles are
// reachable, so what is shown here is what the policy adds beyond reachability.
// tests/integration/egress-off.test.ts runs with it off.

const SECRET = "internal-admin-token-7f3c9e1d";

let api: HttpDouble;
let elsewhere: HttpDouble;
beforeAll(async () => {
  api = await startHttpDouble();
  elsewhere = await startHttpDouble({ status: 200, body: { stolen: true } });
});
afterAll(async () => {
  closeEgressAgents();
  await api.close();
  await elsewhere.close();
});
beforeEach(() => {
  api.reset();
  elsewhere.reset();
});

async function sendgridAt(key: string, baseUrl: string) {
  const res = await call(collection.POST, {
    method: "POST",
    key,
    body: {
      name: `SendGrid ${Math.random()}`,
      type: "sendgrid",
      priority: 1,
      sender: { email: "alerts@acme.test" },
      config: { base_url: baseUrl },
      credentials: { api_key: "SG.key" },
    },
  });
  expect(res.status).toBe(201);
  return res.json.id as string;
}

async function runTest(key: string, id: string) {
  return call(test.POST, { method: "POST", key, params: { id }, body: { to: "me@example.com" } });
}

/** Everything the test action left behind that a user can read: answer, message, attempt, audit. */
async function everythingAbout(orgId: string, messageId: string): Promise<string> {
  const db = await getDb();
  const rows = [
    await db.select().from(messages).where(eq(messages.id, messageId)),
    await db.select().from(messageAttempts).where(eq(messageAttempts.messageId, messageId)),
    await db.select().from(auditLog).where(eq(auditLog.orgId, orgId)),
  ];
  return JSON.stringify(rows);
}

describe("egress policy through providers (private hosts allowed)", () => {
  it("runs with EGRESS_ALLOW_PRIVATE on", () => {
    expect(config().egressAllowPrivate).toBe(true);
  });

  it("a provider on a loopback double works", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const id = await sendgridAt(key, api.url);
    api.respond({ status: 202, headers: { "x-message-id": "sg-1" } });
    const res = await runTest(key, id);
    expect(res.json).toMatchObject({ success: true, provider_message_id: "sg-1", error: null });
    expect(api.last().path).toBe("/v3/mail/send");
  });

  it("the test action reports the status, never the body the remote answered", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const id = await sendgridAt(key, api.url);
    api.respond({ status: 500, body: `<html>admin console; token=${SECRET}</html>` });
    const res = await runTest(key, id);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ success: false, error: "Provider answered HTTP 500" });
    expect(JSON.stringify(res.json)).not.toContain(SECRET);
    expect(JSON.stringify(res.json)).not.toContain("admin console");
    expect(await everythingAbout(orgId, res.json.message_id)).not.toContain(SECRET);
  });

  it("a JSON error keeps only a short code from a known field", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const create = await call(collection.POST, {
      method: "POST",
      key,
      body: {
        name: "Twilio double",
        type: "twilio",
        priority: 1,
        sender: { phone: "+12025550100" },
        config: { base_url: api.url },
        credentials: { account_sid: `AC${"b".repeat(32)}`, auth_token: "token" },
      },
    });
    expect(create.status).toBe(201);
    // A code field that is itself prose is dropped too.
    api.respond(
      { status: 400, body: { code: 21211, message: `not a number; ${SECRET}` } },
      { status: 400, body: { code: `leak ${SECRET}`, message: SECRET } },
    );
    const first = await call(test.POST, {
      method: "POST",
      key,
      params: { id: create.json.id },
      body: { to: "+14155552671" },
    });
    expect(first.json).toMatchObject({
      success: false,
      error: "Provider answered HTTP 400 (code 21211)",
      response: { status: 400, code: "21211" },
    });
    const second = await call(test.POST, {
      method: "POST",
      key,
      params: { id: create.json.id },
      body: { to: "+14155552671" },
    });
    expect(second.json).toMatchObject({ success: false, error: "Provider answered HTTP 400" });
    expect(JSON.stringify([first.json, second.json])).not.toContain(SECRET);
  });

  it("a redirect from the double is not followed", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const id = await sendgridAt(key, api.url);
    api.respond({ status: 307, headers: { location: `${elsewhere.url}/internal/secrets` } });
    const res = await runTest(key, id);
    expect(res.json.success).toBe(false);
    expect(res.json.error).toMatch(/^Provider answered HTTP 307 \(a redirect, which is not followed\)/);
    expect(api.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it("link-local and metadata targets stay refused when a provider is saved", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    for (const base_url of [
      "http://169.254.169.254/latest/meta-data/",
      "https://[::ffff:169.254.169.254]/",
      "https://169.254.10.1/",
      "https://metadata.google.internal/",
    ]) {
      const res = await call(collection.POST, {
        method: "POST",
        key,
        body: {
          name: "Metadata",
          type: "sendgrid",
          sender: { email: "a@acme.test" },
          config: { base_url },
          credentials: { api_key: "k" },
        },
      });
      expect(res.status).toBe(400);
      expect(res.json.error.details).toEqual([
        { field: "config.base_url", message: expect.stringMatching(/^Refused to connect to /) },
      ]);
    }
    const smtp = await call(collection.POST, {
      method: "POST",
      key,
      body: {
        name: "Metadata SMTP",
        type: "smtp",
        sender: { email: "a@acme.test" },
        config: { host: "169.254.169.254", port: 25, tls_mode: "none" },
      },
    });
    expect(smtp.status).toBe(400);
    expect(smtp.json.error.details).toEqual([
      { field: "config.host", message: "Refused to connect to 169.254.169.254 (cloud metadata address)" },
    ]);
  });

  it("plain http is refused for a public host even with private hosts allowed", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const id = await sendgridAt(key, "https://api.sendgrid.com");
    const res = await call(one.PATCH, {
      method: "PATCH",
      key,
      params: { id },
      body: { config: { base_url: "http://93.184.216.34" } },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details).toEqual([
      { field: "config.base_url", message: expect.stringMatching(/plain http/) },
    ]);
  });

  it("SMS media URLs must be https to a named host", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const res = await call(sms.POST, {
      method: "POST",
      key,
      body: {
        to: "+14155552671",
        message: "look",
        media_urls: [
          "https://cdn.example.com/a.png",
          "http://cdn.example.com/b.png",
          "https://10.0.0.5/c.png",
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details).toEqual([
      { field: "media_urls.1", message: "must be an https URL" },
      { field: "media_urls.2", message: "must name a host, not an IP address" },
    ]);
  });
});
