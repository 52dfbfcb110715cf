import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import twilio from "twilio";
import { describe, expect, it } from "vitest";
import * as one from "@/app/api/v1/messages/[id]/route";
import * as check from "@/app/api/v1/opt-outs/check/route";
import * as providers from "@/app/api/v1/providers/route";
import * as sms from "@/app/api/v1/sms/send/route";
import * as inbound from "@/app/api/webhooks/twilio/[providerId]/inbound/route";
import * as status from "@/app/api/webhooks/twilio/[providerId]/status/route";
import { getDb } from "@/lib/db";
import { messageEvents, messages, webhookEvents } from "@/lib/db/schema";
import { drainJobs } from "@/lib/jobs/runner";
import { HELP_WORDS, START_WORDS, STOP_WORDS } from "@/lib/services/webhooks/inbound";
import { call, makeKey, makeOrg } from "../factories";
import { startHttpDouble } from "../providers/http-double";

const AUTH_TOKEN = "twilio-auth-token-0123456789";
const SID = `AC${"1".repeat(32)}`;

async function setup() {
  const { orgId } = await makeOrg();
  const key = await makeKey(orgId);
  const double = await startHttpDouble({
    status: 201,
    body: { sid: "SM00000000000000000000000000000001", status: "queued", price: null },
  });
  const created = await call(providers.POST, {
    method: "POST",
    key,
    body: {
      name: "Twilio",
      type: "twilio",
      priority: 1,
      sender: { phone: "+12025550100" },
      config: { base_url: double.url },
      credentials: { account_sid: SID, auth_token: AUTH_TOKEN },
    },
  });
  return { orgId, key, providerId: created.json.id as string, double };
}

function signed(
  providerId: string,
  kind: "status" | "inbound",
  params: Record<string, string>,
  token = AUTH_TOKEN,
) {
  const url = `http://localhost/api/webhooks/twilio/${providerId}/${kind}`;
  const signature = twilio.getExpectedTwilioSignature(token, url, params);
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
    body: new URLSearchParams(params).toString(),
  });
}

async function post(handler: typeof status.POST, req: Request, providerId: string) {
  const res = await handler(req, { params: Promise.resolve({ providerId }) });
  return { status: res.status, text: await res.text() };
}

async function countEvents(providerId: string) {
  const db = await getDb();
  return (await db.select().from(webhookEvents).where(eq(webhookEvents.providerId, providerId))).length;
}

describe("Twilio status callbacks", () => {
  it("move a message sent → delivered; a late duplicate changes nothing", async () => {
    const { key, providerId, double } = await setup();
    const sent = await call(sms.POST, { method: "POST", key, body: { to: "+12025550142", message: "hi" } });
    await drainJobs();
    const msg = (await call(one.GET, { key, params: { id: sent.json.id } })).json;
    expect(msg).toMatchObject({ status: "sent", provider_message_id: "SM00000000000000000000000000000001" });
    const base = { MessageSid: "SM00000000000000000000000000000001", AccountSid: SID };
    expect(
      (await post(status.POST, signed(providerId, "status", { ...base, MessageStatus: "sent" }), providerId))
        .status,
    ).toBe(200);
    const delivered = { ...base, MessageStatus: "delivered", Price: "-0.00790", PriceUnit: "USD" };
    expect((await post(status.POST, signed(providerId, "status", delivered), providerId)).status).toBe(200);
    // The same callback again, and a late "sent".
    expect((await post(status.POST, signed(providerId, "status", delivered), providerId)).status).toBe(200);
    expect(
      (await post(status.POST, signed(providerId, "status", { ...base, MessageStatus: "sent" }), providerId))
        .status,
    ).toBe(200);
    const after = (await call(one.GET, { key, params: { id: sent.json.id } })).json;
    expect(after).toMatchObject({ status: "delivered", cost: 0.0079, currency: "USD" });
    expect(after.delivered_at).not.toBeNull();
    expect(after.events.filter((e: { type: string }) => e.type === "delivered")).toHaveLength(1);
    expect(await countEvents(providerId)).toBe(2);
    await double.close();
  });

  it("answers 401 and stores nothing for a tampered body, a wrong token or no signature", async () => {
    const { providerId, double } = await setup();
    const params = { MessageSid: "SMxyz", MessageStatus: "delivered" };
    const good = signed(providerId, "status", params);
    const tampered = new Request(good.url, {
      method: "POST",
      headers: good.headers,
      body: new URLSearchParams({ ...params, MessageStatus: "failed" }).toString(),
    });
    expect((await post(status.POST, tampered, providerId)).status).toBe(401);
    expect(
      (await post(status.POST, signed(providerId, "status", params, "wrong-token"), providerId)).status,
    ).toBe(401);
    const unsigned = new Request(good.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params).toString(),
    });
    expect((await post(status.POST, unsigned, providerId)).status).toBe(401);
    expect(await countEvents(providerId)).toBe(0);
    expect(
      (await post(status.POST, signed(providerId, "status", params), "00000000-0000-4000-8000-000000000000"))
        .status,
    ).toBe(404);
    await double.close();
  });

  it("validates with the vectors from Twilio's SDK tests", () => {
    const file = path.resolve(
      import.meta.dirname,
      "../../../shared/testdata/webhook-signatures/twilio-request-validation.json",
    );
    if (!existsSync(file))
      return void console.warn(`skipped: ${file} is absent (../shared not beside the checkout)`);
    interface Case {
      name: string;
      url: string;
      params?: Record<string, string> | [];
      paramsList?: [string, string][];
      expected?: string;
      signature?: string;
      expectValid?: boolean;
      validateAgainstUrl?: string;
      body?: string;
    }
    const vectors = JSON.parse(readFileSync(file, "utf8")) as { authToken: string; cases: Case[] };
    for (const c of vectors.cases) {
      const signature = (c.signature ?? c.expected) as string;
      const url = c.validateAgainstUrl ?? c.url;
      const valid =
        c.body !== undefined
          ? twilio.validateRequestWithBody(vectors.authToken, signature, url, c.body)
          : twilio.validateRequest(
              vectors.authToken,
              signature,
              url,
              c.paramsList
                ? c.paramsList.reduce<Record<string, string | string[]>>((acc, [k, v]) => {
                    const prev = acc[k];
                    acc[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
                    return acc;
                  }, {})
                : Array.isArray(c.params)
                  ? {}
                  : (c.params ?? {}),
            );
      expect(valid, c.name).toBe(c.expectValid ?? true);
    }
    expect(vectors.cases.length).toBeGreaterThan(5);
  });
});

describe("Twilio inbound SMS and keywords", () => {
  const inboundParams = (body: string, sid: string) => ({
    MessageSid: sid,
    From: "+12025550199",
    To: "+12025550100",
    Body: body,
    NumMedia: "0",
  });
  let n = 0;
  const sid = () => `SMin${(n++).toString().padStart(30, "0")}`;

  it("opts out for every STOP word in any case and spacing, replies in TwiML, and the next send is refused until START", async () => {
    const { orgId, providerId, double } = await setup();
    for (const word of STOP_WORDS) {
      // A key per word keeps this loop under the per-key rate limit.
      const key = await makeKey(orgId);
      for (const variant of [word, word.toLowerCase(), `  ${word[0]}${word.slice(1).toLowerCase()}  `]) {
        const res = await post(
          inbound.POST,
          signed(providerId, "inbound", inboundParams(variant, sid())),
          providerId,
        );
        expect(res.status).toBe(200);
        expect(res.text).toContain("<Message>You have been unsubscribed");
        const refused = await call(sms.POST, {
          method: "POST",
          key,
          body: { to: "+12025550199", message: "promo" },
        });
        expect(refused.status, variant).toBe(422);
        expect(refused.json.error.code).toBe("opted_out");
        // Even OTP is refused after a full STOP.
        expect(
          (
            await call(sms.POST, {
              method: "POST",
              key,
              body: { to: "+12025550199", message: "123456", category: "otp" },
            })
          ).status,
        ).toBe(422);
        const start = START_WORDS[n % START_WORDS.length] as string;
        const back = await post(
          inbound.POST,
          signed(providerId, "inbound", inboundParams(` ${start.toLowerCase()} `, sid())),
          providerId,
        );
        expect(back.text).toContain("resubscribed");
        expect(
          (
            await call(sms.POST, {
              method: "POST",
              key,
              body: { to: "+12025550199", message: "welcome back" },
            })
          ).status,
        ).toBe(202);
      }
    }
    await double.close();
  });

  it("answers HELP and INFO, treats STOP PLEASE as an ordinary message, stores inbound once", async () => {
    const { key, providerId, orgId, double } = await setup();
    for (const w of HELP_WORDS) {
      const res = await post(
        inbound.POST,
        signed(providerId, "inbound", inboundParams(w.toLowerCase(), sid())),
        providerId,
      );
      expect(res.text).toContain("reply STOP to unsubscribe");
    }
    const id = sid();
    const ordinary = await post(
      inbound.POST,
      signed(providerId, "inbound", inboundParams("STOP PLEASE", id)),
      providerId,
    );
    expect(ordinary.text).not.toContain("<Message>");
    // Twilio retries the same message: stored once.
    await post(inbound.POST, signed(providerId, "inbound", inboundParams("STOP PLEASE", id)), providerId);
    const res = await call(check.GET, { key, path: "/opt-outs/check?address=%2B12025550199&channel=sms" });
    expect(res.json.opted_out).toBe(false);
    const db = await getDb();
    const stored = await db.select().from(messages).where(eq(messages.providerMessageId, id));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      direction: "inbound",
      from: "+12025550199",
      body: "STOP PLEASE",
      orgId,
    });
    const events = await db
      .select()
      .from(messageEvents)
      .where(eq(messageEvents.messageId, stored[0]?.id as string));
    expect(events.map((e) => e.type)).toEqual(["received"]);
    await double.close();
  });
});
