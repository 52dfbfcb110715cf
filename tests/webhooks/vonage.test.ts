import { createHash, createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as route from "@/app/api/webhooks/vonage/[providerId]/route";
import { type HttpDouble, startHttpDouble } from "../providers/http-double";
import {
  eventCount,
  hit,
  inboundMessages,
  messageRow,
  nowSeconds,
  orgWithProvider,
  sendAgain,
  sendThrough,
  webhookEventCount,
  webhookUrl,
} from "./helpers";

// Vonage's "signing messages" scheme, written here from the Vonage SDK's
// verifySignature (independently of the code under test): sorted
// "&key=value" pairs with & and = in values replaced by "_", then MD5 of that
// plus the secret (md5hash), or an HMAC of it keyed by the secret.

const SECRET = "vonage-signature-secret-0123456789";

function sign(
  params: Record<string, string>,
  method: "md5hash" | "sha256" | "sha512" | "sha1" = "sha256",
  secret = SECRET,
) {
  const signed = Object.keys(params)
    .sort()
    .map((k) => `&${k}=${(params[k] ?? "").replace(/[&=]/g, "_")}`)
    .join("");
  const sig =
    method === "md5hash"
      ? createHash("md5")
          .update(signed + secret)
          .digest("hex")
      : createHmac(method, secret).update(signed).digest("hex").toUpperCase();
  return { ...params, sig };
}

let double: HttpDouble;
beforeAll(async () => {
  double = await startHttpDouble((req) => ({
    status: 200,
    body: {
      "message-count": "1",
      messages: [
        {
          to: new URLSearchParams(req.text).get("to"),
          "message-id": randomUUID().toUpperCase(),
          status: "0",
          "remaining-balance": "10.0",
          "message-price": "0.03330000",
          network: "310260",
        },
      ],
    },
  }));
});
afterAll(() => double.close());

let n = 0;
async function setup() {
  const ctx = await orgWithProvider({
    type: "vonage",
    sender: { phone: "+12025550100" },
    config: { base_url: double.url },
    credentials: { api_key: "abcd1234", api_secret: "s3cr3t", signature_secret: SECRET },
  });
  const to = `+1202555${String(1000 + (++n % 9000)).padStart(4, "0")}`;
  const message = await sendThrough("sms", ctx.key, to);
  return { ...ctx, to, message };
}

function receipt(
  m: { id: string; providerMessageId: string | null; to: string },
  status: string,
  extra: Record<string, string> = {},
) {
  return {
    msisdn: m.to.slice(1),
    to: "12025550100",
    "network-code": "310260",
    messageId: m.providerMessageId ?? "",
    price: "0.03330000",
    status,
    scts: "2601011200",
    "err-code": status === "delivered" ? "0" : "5",
    "api-key": "abcd1234",
    "client-ref": m.id,
    "message-timestamp": "2026-01-01 12:00:00",
    timestamp: String(nowSeconds()),
    nonce: randomUUID(),
    ...extra,
  };
}

function inbound(from: string, text: string, extra: Record<string, string> = {}) {
  return {
    msisdn: from,
    to: "12025550100",
    messageId: randomUUID().toUpperCase(),
    text,
    type: "text",
    keyword: text.trim().split(/\s+/)[0]?.toUpperCase() ?? "",
    "api-key": "abcd1234",
    "message-timestamp": "2026-01-01 12:00:00",
    timestamp: String(nowSeconds()),
    nonce: randomUUID(),
    ...extra,
  };
}

const form = (providerId: string, params: Record<string, string>) =>
  hit(route.POST, providerId, {
    url: webhookUrl("vonage", providerId),
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
  });
const json = (providerId: string, params: Record<string, string>) =>
  hit(route.POST, providerId, {
    url: webhookUrl("vonage", providerId),
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
const get = (providerId: string, params: Record<string, string>) =>
  hit(route.GET, providerId, {
    method: "GET",
    url: webhookUrl("vonage", providerId, `?${new URLSearchParams(params)}`),
  });

describe("/api/webhooks/vonage/{providerId}", () => {
  it("accepts signed delivery receipts by POST form, JSON and GET, with every signing method", async () => {
    for (const [method, send] of [
      ["sha256", form],
      ["md5hash", json],
      ["sha512", get],
      ["sha1", form],
    ] as const) {
      const { providerId, message } = await setup();
      const res = await send(providerId, sign(receipt(message, "delivered"), method));
      expect(res.status, method).toBe(200);
      const after = await messageRow(message.id);
      expect(after.status, method).toBe("delivered");
      expect(after.cost).toBeCloseTo(0.0333);
      expect(after.currency).toBe("EUR");
    }
  });

  it("answers 401 and stores nothing for a tampered field, another secret, a stale timestamp or no sig", async () => {
    const { providerId, orgId, message } = await setup();
    const good = sign(receipt(message, "delivered"));
    const cases = [
      { ...good, status: "failed" },
      sign(receipt(message, "delivered"), "sha256", "another-secret"),
      sign(receipt(message, "delivered", { timestamp: String(nowSeconds() - 301) })),
      sign(receipt(message, "delivered", { timestamp: "" })),
      receipt(message, "delivered"),
      { ...good, sig: "zz" },
    ];
    for (const c of cases) {
      const res = await form(providerId, c);
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe("invalid_signature");
    }
    expect(await webhookEventCount(orgId)).toBe(0);
    expect((await messageRow(message.id)).status).toBe("sent");
  });

  it("stores a repeated receipt once and changes the status once; out of order it stays delivered", async () => {
    const { providerId, orgId, message } = await setup();
    const delivered = sign(receipt(message, "delivered"));
    expect((await form(providerId, delivered)).json).toMatchObject({ stored: 1 });
    expect((await form(providerId, delivered)).json).toMatchObject({ stored: 0, duplicates: 1 });
    await form(providerId, sign(receipt(message, "accepted")));
    expect((await messageRow(message.id)).status).toBe("delivered");
    expect(await eventCount(message.id, "delivered")).toBe(1);
    expect(await webhookEventCount(orgId)).toBe(2);
  });

  it("maps expired to undelivered, rejected to failed, and finds later parts by client-ref", async () => {
    const a = await setup();
    await form(a.providerId, sign(receipt(a.message, "expired")));
    expect((await messageRow(a.message.id)).status).toBe("undelivered");
    const b = await setup();
    // The second part of a long message has its own id; client-ref still names ours.
    await form(b.providerId, sign(receipt(b.message, "rejected", { messageId: "PART-2-ID" })));
    const after = await messageRow(b.message.id);
    expect(after.status).toBe("failed");
    expect(after.error).toContain("5");
  });

  it("an inbound STOP opts the sender out (next send 422), START opts back in; duplicates are handled once", async () => {
    const { providerId, orgId, key } = await setup();
    const stop = sign(inbound("12025550199", "  stop "));
    const res = await form(providerId, stop);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ keyword: "stop", duplicate: false });
    expect((await form(providerId, stop)).json).toMatchObject({ duplicate: true });
    const refused = await sendAgain("sms", key, "+12025550199");
    expect(refused.status).toBe(422);
    expect(refused.json.error.code).toBe("opted_out");
    const start = await json(providerId, sign(inbound("12025550199", "START")));
    expect(start.json.keyword).toBe("start");
    expect((await sendAgain("sms", key, "+12025550199")).status).toBe(202);
    const stored = await inboundMessages(orgId);
    expect(stored.map((m) => [m.from, m.body]).sort()).toEqual([
      ["+12025550199", "  stop "],
      ["+12025550199", "START"],
    ]);
  });

  it("answers 404 for an unknown provider and 400 for signed nonsense", async () => {
    const { providerId, orgId } = await setup();
    expect(
      (await form(randomUUID(), sign({ status: "delivered", timestamp: String(nowSeconds()) }))).status,
    ).toBe(404);
    const nonsense: Record<string, string>[] = [
      { status: "delivered", timestamp: String(nowSeconds()) },
      { msisdn: "12025550199", timestamp: String(nowSeconds()) },
    ];
    for (const params of nonsense) {
      expect((await form(providerId, sign(params))).status).toBe(400);
    }
    const notJson = await hit(route.POST, providerId, {
      url: webhookUrl("vonage", providerId),
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(notJson.status).toBe(400);
    expect(await webhookEventCount(orgId)).toBe(0);
  });
});
