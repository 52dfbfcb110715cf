import { createHmac, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as rotateRoute from "@/app/api/v1/providers/[id]/rotate-webhook-token/route";
import * as route from "@/app/api/webhooks/africastalking/[providerId]/route";
import { getDb } from "@/lib/db";
import { webhookEvents } from "@/lib/db/schema";
import { webhookProvider } from "@/lib/services/webhooks/ingest";
import { webhookUrls } from "@/lib/services/webhooks/urls";
import { call, makeKey, makeOrg } from "../factories";
import { type HttpDouble, startHttpDouble } from "../providers/http-double";
import {
  eventCount,
  hit,
  inboundMessages,
  messageRow,
  orgWithProvider,
  sendAgain,
  sendThrough,
  webhookEventCount,
  webhookUrl,
} from "./helpers";

// Africa's Talking signs nothing; the callback URL carries
// token = hex HMAC-SHA256(api_key, provider id), computed here independently.

const API_KEY = "atsk_0123456789abcdef0123456789abcdef";
const tokenFor = (providerId: string, apiKey = API_KEY) =>
  createHmac("sha256", apiKey).update(providerId).digest("hex");

let double: HttpDouble;
beforeAll(async () => {
  double = await startHttpDouble((req) => ({
    status: 201,
    body: {
      SMSMessageData: {
        Message: "Sent to 1/1 Total Cost: KES 0.8000",
        Recipients: [
          {
            statusCode: 101,
            number: new URLSearchParams(req.text).get("to"),
            status: "Success",
            cost: "KES 0.8000",
            messageId: `ATXid_${randomUUID().replaceAll("-", "")}`,
          },
        ],
      },
    },
  }));
});
afterAll(() => double.close());

let n = 0;
async function setup() {
  const ctx = await orgWithProvider({
    type: "africastalking",
    sender: { phone: "+254711082000" },
    config: { base_url: double.url },
    credentials: { username: "switchboard", api_key: API_KEY },
  });
  const to = `+254711${String(100000 + (++n % 800000))}`;
  const message = await sendThrough("sms", ctx.key, to);
  return { ...ctx, to, message };
}

const post = (
  providerId: string,
  params: Record<string, string>,
  token: string | null = tokenFor(providerId),
) =>
  hit(route.POST, providerId, {
    url: webhookUrl("africastalking", providerId, token === null ? "" : `?token=${token}`),
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
  });

const report = (
  m: { providerMessageId: string | null; to: string },
  status: string,
  extra: Record<string, string> = {},
) => ({
  id: m.providerMessageId ?? "",
  status,
  phoneNumber: m.to,
  networkCode: "63902",
  retryCount: "0",
  ...extra,
});

describe("POST /api/webhooks/africastalking/{providerId}?token=…", () => {
  it("the settings helper gives the token the route expects", async () => {
    const { providerId } = await setup();
    const provider = await webhookProvider(providerId, "africastalking");
    const [callback] = webhookUrls(provider);
    expect(new URL(callback?.url ?? "").searchParams.get("token")).toBe(tokenFor(providerId));
  });

  it("accepts a delivery report with the token and moves the message", async () => {
    const { providerId, message } = await setup();
    expect(message.providerMessageId).toMatch(/^ATXid_/);
    const res = await post(providerId, report(message, "Success"));
    expect(res.status).toBe(200);
    expect((await messageRow(message.id)).status).toBe("delivered");
  });

  it("answers 401 and stores nothing without the token, with a wrong one, or another provider's", async () => {
    const { providerId, orgId, message } = await setup();
    const other = await setup();
    for (const token of [
      null,
      "",
      "deadbeef",
      tokenFor(providerId, "another-api-key"),
      tokenFor(other.providerId),
    ]) {
      const res = await post(providerId, report(message, "Success"), token);
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe("invalid_signature");
    }
    expect(await webhookEventCount(orgId)).toBe(0);
    expect((await messageRow(message.id)).status).toBe("sent");
  });

  it("stores a repeated report once; a late Sent after Success leaves it delivered", async () => {
    const { providerId, orgId, message } = await setup();
    expect((await post(providerId, report(message, "Success"))).json).toMatchObject({ stored: 1 });
    expect((await post(providerId, report(message, "Success"))).json).toMatchObject({
      stored: 0,
      duplicates: 1,
    });
    await post(providerId, report(message, "Sent"));
    expect((await messageRow(message.id)).status).toBe("delivered");
    expect(await eventCount(message.id, "delivered")).toBe(1);
    expect(await webhookEventCount(orgId)).toBe(2);
  });

  it("a Failed report fails the message with the reason", async () => {
    const { providerId, message } = await setup();
    await post(providerId, report(message, "Failed", { failureReason: "UserInBlackList" }));
    const after = await messageRow(message.id);
    expect(after.status).toBe("failed");
    expect(after.error).toContain("UserInBlackList");
  });

  it("an inbound STOP opts the sender out (next send 422) and START opts back in; the token is not stored", async () => {
    const { providerId, orgId, key } = await setup();
    const from = "+254711082999";
    const stop = {
      date: "2026-01-01 12:00:00",
      from,
      id: randomUUID(),
      linkId: "",
      text: "Stop",
      to: "22384",
      networkCode: "63902",
    };
    const res = await post(providerId, stop);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ keyword: "stop", duplicate: false });
    expect((await post(providerId, stop)).json).toMatchObject({ duplicate: true });
    const refused = await sendAgain("sms", key, from);
    expect(refused.status).toBe(422);
    expect(refused.json.error.code).toBe("opted_out");
    await post(providerId, { ...stop, id: randomUUID(), text: "START" });
    expect((await sendAgain("sms", key, from)).status).toBe(202);
    expect((await inboundMessages(orgId)).map((m) => m.body).sort()).toEqual(["START", "Stop"]);
    const db = await getDb();
    const stored = await db.select().from(webhookEvents).where(eq(webhookEvents.orgId, orgId));
    expect(stored).toHaveLength(2);
    expect(JSON.stringify(stored)).not.toContain(tokenFor(providerId));
  });

  it("answers 404 for an unknown provider and 400 for a body that is neither report nor message", async () => {
    const { providerId, orgId } = await setup();
    const unknown = randomUUID();
    expect((await post(unknown, { id: "x", status: "Success" }, tokenFor(unknown))).status).toBe(404);
    expect((await post(providerId, { status: "Success" })).status).toBe(400);
    expect((await post(providerId, { text: "hello" })).status).toBe(400);
    expect(await webhookEventCount(orgId)).toBe(0);
  });

  it("replaying a callback id changes nothing: the report is stored and applied once, the inbound message once", async () => {
    const { providerId, orgId, message } = await setup();
    const success = report(message, "Success");
    expect((await post(providerId, success)).json).toMatchObject({ stored: 1 });
    const eventsBefore = await webhookEventCount(orgId);
    const deliveredBefore = await eventCount(message.id, "delivered");
    const deliveredAt = (await messageRow(message.id)).deliveredAt;
    const replays = await Promise.all([1, 2, 3].map(() => post(providerId, success)));
    for (const r of replays) expect(r.json).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await webhookEventCount(orgId)).toBe(eventsBefore);
    expect(await eventCount(message.id, "delivered")).toBe(deliveredBefore);
    const after = await messageRow(message.id);
    expect(after.status).toBe("delivered");
    expect(after.deliveredAt).toEqual(deliveredAt);

    const inbound = { from: "+254711000999", to: "+254711082000", text: "hello", id: "ATXin_replay_1" };
    expect((await post(providerId, inbound)).json).toMatchObject({ duplicate: false });
    const again = await Promise.all([1, 2].map(() => post(providerId, inbound)));
    for (const r of again) expect(r.json).toMatchObject({ duplicate: true });
    expect(
      (await inboundMessages(orgId)).filter((m) => m.providerMessageId === "ATXin_replay_1"),
    ).toHaveLength(1);
  });
});

describe("POST /api/v1/providers/{id}/rotate-webhook-token", () => {
  const rotate = (key: string, id: string) =>
    call(rotateRoute.POST, {
      method: "POST",
      path: `/providers/${id}/rotate-webhook-token`,
      key,
      params: { id },
    });

  it("issues a new callback URL; the old URL's token then answers 401 and stores nothing", async () => {
    const { providerId, orgId, key, message } = await setup();
    const oldToken = tokenFor(providerId);
    const res = await rotate(key, providerId);
    expect(res.status).toBe(200);
    expect(res.json.provider_id).toBe(providerId);
    const newUrl = new URL(res.json.webhook_urls[0].url);
    const newToken = newUrl.searchParams.get("token") ?? "";
    expect(newToken).toMatch(/^[0-9a-f]{64}$/);
    expect(newToken).not.toBe(oldToken);
    // The settings page shows the same new URL.
    const [shown] = webhookUrls(await webhookProvider(providerId, "africastalking"));
    expect(shown?.url).toBe(newUrl.toString());

    const before = await webhookEventCount(orgId);
    const stale = await post(providerId, report(message, "Success"), oldToken);
    expect(stale.status).toBe(401);
    expect(await webhookEventCount(orgId)).toBe(before);
    expect((await messageRow(message.id)).status).toBe("sent");
    const fresh = await post(providerId, report(message, "Success"), newToken);
    expect(fresh.status).toBe(200);
    expect((await messageRow(message.id)).status).toBe("delivered");

    // Rotating again retires the second token too.
    const second = new URL((await rotate(key, providerId)).json.webhook_urls[0].url).searchParams.get(
      "token",
    );
    expect(second).not.toBe(newToken);
    expect((await post(providerId, report(message, "Failed"), newToken)).status).toBe(401);
  });

  it("is for admins of the provider's organisation, and only for providers whose URL carries a token", async () => {
    const { providerId, orgId } = await setup();
    for (const role of ["manager", "staff"] as const) {
      const res = await rotate(await makeKey(orgId, role), providerId);
      expect(res.status, role).toBe(403);
    }
    const other = await makeOrg();
    expect((await rotate(await makeKey(other.orgId), providerId)).status).toBe(404);
    const twilio = await orgWithProvider({
      type: "twilio",
      sender: { phone: "+12025550100" },
      config: {},
      credentials: { account_sid: `AC${"3".repeat(32)}`, auth_token: "tok" },
    });
    const refused = await rotate(twilio.key, twilio.providerId);
    expect(refused.status).toBe(422);
    expect(refused.json.error.code).toBe("not_supported");
    // The URL did not change for the refused callers.
    expect((await post(providerId, { from: "+254711000998", to: "+254711082000", text: "hi" })).status).toBe(
      200,
    );
  });
});
