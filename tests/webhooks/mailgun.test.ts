import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as route from "@/app/api/webhooks/mailgun/[providerId]/route";
import { getDb } from "@/lib/db";
import { webhookNonces } from "@/lib/db/schema";
import { pruneWebhookNonces } from "@/lib/services/webhooks/nonces";
import { uniq } from "../factories";
import { type HttpDouble, startHttpDouble } from "../providers/http-double";
import {
  eventCount,
  hit,
  messageRow,
  nowSeconds,
  orgWithProvider,
  sendAgain,
  sendThrough,
  suppressionOf,
  webhookEventCount,
  webhookUrl,
} from "./helpers";

// Mailgun's documented check, computed here independently: hex
// HMAC-SHA256(signing key, timestamp + token).

const SIGNING_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";

function signature(opts: { key?: string; timestamp?: number; token?: string } = {}) {
  const timestamp = String(opts.timestamp ?? nowSeconds());
  const token = opts.token ?? randomBytes(25).toString("hex");
  return {
    timestamp,
    token,
    signature: createHmac("sha256", opts.key ?? SIGNING_KEY)
      .update(timestamp + token)
      .digest("hex"),
  };
}

let double: HttpDouble;
beforeAll(async () => {
  double = await startHttpDouble(() => ({
    status: 200,
    body: { id: `<${Date.now()}.${randomUUID()}@mg.example.com>`, message: "Queued. Thank you." },
  }));
});
afterAll(() => double.close());

async function setup() {
  const ctx = await orgWithProvider({
    type: "mailgun",
    sender: { email: "hello@mg.example.com" },
    config: { domain: "mg.example.com", base_url: double.url },
    credentials: { api_key: "key-test", webhook_signing_key: SIGNING_KEY },
  });
  const to = `${uniq("rcpt")}@example.org`;
  const message = await sendThrough("email", ctx.key, to);
  return { ...ctx, to, message };
}

function eventData(
  m: { id: string; providerMessageId: string | null },
  to: string,
  event: string,
  extra = {},
) {
  return {
    id: uniq("mgev"),
    event,
    timestamp: Date.now() / 1000,
    recipient: to,
    message: { headers: { "message-id": m.providerMessageId, to, from: "hello@mg.example.com" } },
    "user-variables": { switchboard_message_id: m.id },
    ...extra,
  };
}

const post = (providerId: string, body: unknown) =>
  hit(route.POST, providerId, {
    url: webhookUrl("mailgun", providerId),
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("POST /api/webhooks/mailgun/{providerId}", () => {
  it("accepts a signed delivered event and moves the message (matched by Message-Id without brackets)", async () => {
    const { providerId, message, to } = await setup();
    expect(message.providerMessageId).not.toMatch(/[<>]/);
    const { "user-variables": _, ...data } = eventData(message, to, "delivered");
    const res = await post(providerId, { signature: signature(), "event-data": data });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ stored: 1 });
    expect((await messageRow(message.id)).status).toBe("delivered");
  });

  it("answers 401 and stores nothing for a wrong key, a tampered signature, a stale timestamp or none", async () => {
    const { providerId, orgId, message, to } = await setup();
    const data = eventData(message, to, "delivered");
    const good = signature();
    const cases = [
      { signature: signature({ key: "key-someone-else" }), "event-data": data },
      { signature: { ...good, token: `${good.token}x` }, "event-data": data },
      { signature: { ...good, timestamp: String(Number(good.timestamp) + 1) }, "event-data": data },
      { signature: signature({ timestamp: nowSeconds() - 301 }), "event-data": data },
      { signature: signature({ timestamp: nowSeconds() + 400 }), "event-data": data },
      { "event-data": data },
      { signature: "nope", "event-data": data },
    ];
    for (const c of cases) {
      const res = await post(providerId, c);
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe("invalid_signature");
    }
    expect(await webhookEventCount(orgId)).toBe(0);
    expect((await messageRow(message.id)).status).toBe("sent");
  });

  it("stores a redelivered event once; a token replayed with other event data is refused", async () => {
    const { providerId, orgId, message, to } = await setup();
    const sig = signature();
    const delivered = { signature: sig, "event-data": eventData(message, to, "delivered") };
    expect((await post(providerId, delivered)).json).toMatchObject({ stored: 1 });
    expect((await post(providerId, delivered)).json).toMatchObject({ stored: 0, duplicates: 1 });
    // The signature covers only timestamp + token: the same pair with a forged event must not pass.
    const forged = {
      signature: sig,
      "event-data": eventData(message, to, "failed", { severity: "permanent" }),
    };
    const res = await post(providerId, forged);
    expect(res.status).toBe(401);
    expect(await webhookEventCount(orgId)).toBe(1);
    expect(await eventCount(message.id, "delivered")).toBe(1);
    expect(await suppressionOf(orgId, to)).toBeNull();
  });

  it("prunes used tokens once no signature that old is fresh, and keeps the recent ones", async () => {
    const { providerId, message, to } = await setup();
    const sig = signature();
    await post(providerId, { signature: sig, "event-data": eventData(message, to, "delivered") });
    const db = await getDb();
    const mine = () =>
      db
        .select({ id: webhookNonces.id })
        .from(webhookNonces)
        .where(and(eq(webhookNonces.providerId, providerId), eq(webhookNonces.nonce, sig.token)));
    expect(await mine()).toHaveLength(1);
    // Within twice the 300 s window: kept (the token could still come back signed as fresh).
    await pruneWebhookNonces(new Date(Date.now() + 590_000));
    expect(await mine()).toHaveLength(1);
    await pruneWebhookNonces(new Date(Date.now() + 601_000));
    expect(await mine()).toHaveLength(0);
    // The replay it guarded against is stale by then anyway.
    const stale = signature({ timestamp: nowSeconds() - 601, token: sig.token });
    const res = await post(providerId, { signature: stale, "event-data": eventData(message, to, "failed") });
    expect(res.status).toBe(401);
  });

  it("of N concurrent requests with one captured token, exactly one event is applied", async () => {
    const { providerId, orgId, message, to } = await setup();
    const sig = signature();
    // Forged events (other ids, a hard bounce) racing the genuine one with the same signature.
    const bodies = Array.from({ length: 8 }, (_, i) => ({
      signature: sig,
      "event-data":
        i === 0
          ? eventData(message, to, "delivered")
          : eventData(message, to, "failed", { severity: "permanent", reason: "bounce" }),
    }));
    const results = await Promise.all(bodies.map((b) => post(providerId, b)));
    const accepted = results.filter((r) => r.status === 200);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.json).toMatchObject({ stored: 1 });
    expect(results.filter((r) => r.status === 401)).toHaveLength(bodies.length - 1);
    expect(await webhookEventCount(orgId)).toBe(1);
    const suppressed = await suppressionOf(orgId, to);
    const status = (await messageRow(message.id)).status;
    // Whichever won, only it was applied.
    expect(status === "delivered" ? suppressed === null : status === "bounced" && suppressed !== null).toBe(
      true,
    );
  });

  it("of N concurrent identical requests (a retry storm), one is applied and the rest are 200 duplicates", async () => {
    const { providerId, orgId, message, to } = await setup();
    const body = { signature: signature(), "event-data": eventData(message, to, "delivered") };
    const results = await Promise.all(Array.from({ length: 8 }, () => post(providerId, body)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(results.filter((r) => r.json.stored === 1)).toHaveLength(1);
    expect(results.filter((r) => r.json.duplicates === 1)).toHaveLength(7);
    expect(await webhookEventCount(orgId)).toBe(1);
    expect(await eventCount(message.id, "delivered")).toBe(1);
  });

  it("never moves backwards: delivered then a late accepted leaves it delivered", async () => {
    const { providerId, message, to } = await setup();
    await post(providerId, { signature: signature(), "event-data": eventData(message, to, "delivered") });
    await post(providerId, { signature: signature(), "event-data": eventData(message, to, "accepted") });
    expect((await messageRow(message.id)).status).toBe("delivered");
  });

  it("a permanent failure bounces and suppresses; the next send is refused; a temporary one only defers", async () => {
    const { providerId, orgId, key, message, to } = await setup();
    await post(providerId, {
      signature: signature(),
      "event-data": eventData(message, to, "failed", {
        severity: "temporary",
        reason: "generic",
        "delivery-status": { code: 452, message: "mailbox full" },
      }),
    });
    expect((await messageRow(message.id)).status).toBe("sent");
    expect(await eventCount(message.id, "deferred")).toBe(1);
    expect(await suppressionOf(orgId, to)).toBeNull();
    const res = await post(providerId, {
      signature: signature(),
      "event-data": eventData(message, to, "failed", {
        severity: "permanent",
        reason: "bounce",
        "delivery-status": { code: 550, message: "5.1.1 No such user", description: "No such user" },
      }),
    });
    expect(res.status).toBe(200);
    const after = await messageRow(message.id);
    expect(after.status).toBe("bounced");
    expect(after.error).toContain("No such user");
    expect(await suppressionOf(orgId, to)).toMatchObject({ reason: "hard_bounce" });
    const again = await sendAgain("email", key, to);
    expect(again.status).toBe(422);
    expect(again.json.error.code).toBe("suppressed");
  });

  it("records opens, clicks and unsubscribes; a complaint suppresses", async () => {
    const { providerId, orgId, message, to } = await setup();
    for (const [event, extra] of [
      ["opened", { ip: "192.0.2.1" }],
      ["clicked", { url: "https://example.com/x" }],
      ["unsubscribed", {}],
      ["complained", {}],
    ] as const) {
      const res = await post(providerId, {
        signature: signature(),
        "event-data": eventData(message, to, event, extra),
      });
      expect(res.status).toBe(200);
    }
    expect(await eventCount(message.id, "opened")).toBe(1);
    expect(await eventCount(message.id, "clicked")).toBe(1);
    expect(await eventCount(message.id, "unsubscribed")).toBe(1);
    expect(await eventCount(message.id, "complained")).toBe(1);
    expect(await suppressionOf(orgId, to)).toMatchObject({ reason: "complaint" });
  });

  it("answers 404 for an unknown provider, 400 for a non-JSON body or signed bad event data", async () => {
    const { providerId, orgId } = await setup();
    expect(
      (await post(randomUUID(), { signature: signature(), "event-data": { event: "delivered" } })).status,
    ).toBe(404);
    expect((await post(providerId, "timestamp=1&token=2&signature=3")).status).toBe(400);
    expect((await post(providerId, { signature: signature() })).status).toBe(400);
    expect((await post(providerId, { signature: signature(), "event-data": { event: 42 } })).status).toBe(
      400,
    );
    expect(await webhookEventCount(orgId)).toBe(0);
  });
});
