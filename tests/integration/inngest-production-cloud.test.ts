import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashedSigningKey, serveRoutes, signBody, startInngestDouble } from "../inngest-double";

// Production as deployed against Inngest Cloud: INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY
// set, no INNGEST_DEV. The double plays Inngest Cloud: it signs every call request, and
// takes the sync only with the hashed signing key and events only with the event key.
// (tests/integration/inngest-production.test.ts runs the same path in dev mode in depth.)
const signingKey = `signkey-test-${randomBytes(32).toString("hex")}`;
const eventKey = `evt-${randomBytes(8).toString("hex")}`;
const double = await startInngestDouble({ signingKey, eventKey });
delete process.env.INNGEST_DEV;
process.env.INNGEST_BASE_URL = double.origin;
process.env.INNGEST_SIGNING_KEY = signingKey;
process.env.INNGEST_EVENT_KEY = eventKey;

const route = await import("@/app/api/inngest/route");
const { config } = await import("@/lib/config");
const { getDb } = await import("@/lib/db");
const { call, makeKey, makeOrg } = await import("../factories");
const sms = await import("@/app/api/v1/sms/send/route");
const message = await import("@/app/api/v1/messages/[id]/route");

const app = await serveRoutes({ "/api/inngest": route });
const serveUrl = `${app.origin}/api/inngest`;
// The public URL; requests reach the app through a "proxy" that passes on another Host.
process.env.APP_URL = app.origin;

/** A sync request as a reverse proxy would forward it: with its own Host header. */
function syncThroughProxy(): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const u = new URL(serveUrl);
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: "PUT",
        headers: { host: "app.internal:3000" },
      },
      (res) => {
        let text = "";
        res.on("data", (c) => {
          text += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  await getDb(); // opens and migrates the database within the hook's time, not a test's
  expect(config()).toMatchObject({ jobsMode: "inngest", appUrl: app.origin });
  expect(await syncThroughProxy()).toMatchObject({ status: 200, body: { modified: true } });
});

afterAll(async () => {
  await app.close();
  await double.close();
});

describe("the Inngest path in cloud mode (signed requests)", () => {
  it("syncs with the hashed signing key; introspection answers only a signed caller", async () => {
    expect(double.syncs[0]?.headers.authorization).toBe(`Bearer ${hashedSigningKey(signingKey)}`);
    // Inngest is told the public URL (APP_URL), not the Host the proxy passed on.
    expect(double.syncs[0]?.body.url).toBe(serveUrl);
    expect(double.functions.get("switchboard-messages-send")?.url).toMatch(new RegExp(`^${serveUrl}\\?`));
    expect(JSON.stringify(double.syncs[0]?.body)).not.toContain(signingKey);
    const unsigned = await fetch(serveUrl);
    expect(unsigned.status).toBe(401);
    expect(await unsigned.text()).not.toContain(signingKey);
    const signed = await fetch(serveUrl, { headers: { "x-inngest-signature": signBody("", signingKey) } });
    const probe = await signed.json();
    expect(probe).toMatchObject({ mode: "cloud", authentication_succeeded: true, has_signing_key: true });
    expect(JSON.stringify(probe)).not.toContain(signingKey.slice(13));
    expect(double.violations).toEqual([]);
  });

  it("delivers an SMS through signed call requests, its event sent with the event key", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const res = await call(sms.POST, { method: "POST", key, body: { to: "+12025550142", message: "Hi" } });
    expect(res.status).toBe(202);
    await double.settled();
    const run = double
      .runsOf("switchboard-messages-send")
      .find((r) => r.event.id === `message:${res.json.id}`);
    expect(run?.status).toBe("completed");
    expect(run?.stepsRun).toEqual(["deliver"]);
    expect(run?.calls.every((c) => c.headers["x-inngest-signature"])).toBe(true);
    expect((await call(message.GET, { key, params: { id: res.json.id } })).json.status).toBe("sent");
    expect(double.violations).toEqual([]);
  });

  it("refuses call requests that are unsigned, wrongly signed or stale, and runs nothing for them", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const accepted = await call(sms.POST, {
      method: "POST",
      key,
      body: { to: "+12025550143", message: "Hi" },
    });
    await double.settled();
    const fn = double.functions.get("switchboard-messages-send");
    if (!fn) throw new Error("messages-send not synced");
    // A forged call request asking for the message to be delivered again.
    const body = JSON.stringify({
      event: {
        name: "messages/message.requested",
        id: "forged",
        data: { messageId: accepted.json.id, orgId },
        ts: 1,
      },
      events: [],
      steps: {},
      ctx: {
        run_id: "forged",
        attempt: 0,
        disable_immediate_execution: false,
        use_api: false,
        stack: { stack: [], current: 0 },
      },
    });
    const otherKey = `signkey-test-${randomBytes(32).toString("hex")}`;
    for (const signature of [
      undefined,
      signBody(body, otherKey),
      signBody(body, signingKey, Math.floor(Date.now() / 1000) - 600),
    ]) {
      const res = await fetch(fn.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(signature ? { "x-inngest-signature": signature } : {}),
        },
        body,
      });
      expect(res.status).toBe(401);
    }
    const detail = await call(message.GET, { key, params: { id: accepted.json.id } });
    expect(detail.json.status).toBe("sent");
    expect(detail.json.attempts).toHaveLength(1);
  });
});
