import { createHmac, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as route from "@/app/api/webhooks/africastalking/[providerId]/route";
import { getDb } from "@/lib/db";
import { webhookEvents } from "@/lib/db/schema";
import { africasTalkingCallbackToken } from "@/lib/services/webhooks/africastalking";
import { webhookProvider } from "@/lib/services/webhooks/ingest";
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
    expect(africasTalkingCallbackToken(provider)).toBe(tokenFor(providerId));
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
});
