import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { EventWebhook } from "@sendgrid/eventwebhook";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as route from "@/app/api/webhooks/sendgrid/[providerId]/route";
import { verifySendgridSignature } from "@/lib/providers/email/sendgrid-webhook";
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
  sharedVector,
  suppressionOf,
  webhookEventCount,
  webhookUrl,
} from "./helpers";

// SendGrid's library verifies but cannot sign: we sign with node:crypto
// (ECDSA P-256, SHA-256, DER signature in base64) and check the library
// agrees, then drive the route.

const keys = generateKeyPairSync("ec", { namedCurve: "P-256" });
const publicKeyB64 = keys.publicKey.export({ type: "spki", format: "der" }).toString("base64");
const otherKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });

function signed(body: string, opts: { key?: KeyObject; timestamp?: number } = {}) {
  const timestamp = String(opts.timestamp ?? nowSeconds());
  const signature = sign("sha256", Buffer.from(timestamp + body), opts.key ?? keys.privateKey).toString(
    "base64",
  );
  return {
    "content-type": "application/json",
    "x-twilio-email-event-webhook-signature": signature,
    "x-twilio-email-event-webhook-timestamp": timestamp,
  };
}

let double: HttpDouble;
let counter = 0;
beforeAll(async () => {
  double = await startHttpDouble(() => ({
    status: 202,
    headers: { "x-message-id": `SGxid${++counter}abc` },
  }));
});
afterAll(() => double.close());

async function setup() {
  const ctx = await orgWithProvider({
    type: "sendgrid",
    sender: { email: "hello@example.com" },
    config: { base_url: double.url },
    credentials: { api_key: "SG.test-key", webhook_public_key: publicKeyB64 },
  });
  const to = `${uniq("rcpt")}@example.org`;
  const message = await sendThrough("email", ctx.key, to);
  return { ...ctx, to, message };
}

/** An event as SendGrid sends it for our message (sg_message_id = X-Message-Id + filter suffix; custom_args echoed). */
function sgEvent(
  m: { id: string; providerMessageId: string | null },
  to: string,
  event: string,
  extra: Record<string, unknown> = {},
) {
  return {
    email: to,
    timestamp: nowSeconds(),
    event,
    sg_event_id: uniq(`sgev-${event}`),
    sg_message_id: `${m.providerMessageId}.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0`,
    "smtp-id": `<${m.providerMessageId}@ismtpd0039p1iad1.sendgrid.net>`,
    switchboard_message_id: m.id,
    ...extra,
  };
}

const body = (events: unknown[]) => `${JSON.stringify(events)}\r\n`;

describe("SendGrid signature scheme", () => {
  it("our node:crypto signatures verify with @sendgrid/eventwebhook itself", () => {
    const payload = body([{ event: "delivered" }]);
    const h = signed(payload);
    const ew = new EventWebhook();
    const key = ew.convertPublicKeyToECDSA(publicKeyB64);
    expect(
      ew.verifySignature(
        key,
        payload,
        h["x-twilio-email-event-webhook-signature"],
        h["x-twilio-email-event-webhook-timestamp"],
      ),
    ).toBe(true);
    expect(
      ew.verifySignature(
        key,
        `${payload} `,
        h["x-twilio-email-event-webhook-signature"],
        h["x-twilio-email-event-webhook-timestamp"],
      ),
    ).toBe(false);
  });

  const vector = sharedVector<{
    publicKey: string;
    signature: string;
    timestamp: string;
    payload: string;
    cases: {
      name: string;
      expect: boolean;
      publicKey?: string;
      payload?: string;
      signature?: string;
      timestamp?: string;
    }[];
  }>("sendgrid-signed-event-webhook.json");
  it.skipIf(!vector)(
    "agrees with SendGrid's published vectors (../shared/testdata; skipped when shared/ is absent)",
    () => {
      if (!vector) return;
      for (const c of vector.cases) {
        const ok = verifySendgridSignature(
          c.publicKey ?? vector.publicKey,
          c.payload ?? vector.payload,
          c.signature ?? vector.signature,
          c.timestamp ?? vector.timestamp,
        );
        expect(ok, c.name).toBe(c.expect);
      }
    },
  );

  it.skipIf(!vector)(
    "the route refuses SendGrid's valid vector because its timestamp is years old",
    async () => {
      if (!vector) return;
      const { providerId, orgId } = await orgWithProvider({
        type: "sendgrid",
        sender: { email: "hello@example.com" },
        config: { base_url: double.url },
        credentials: { api_key: "SG.test-key", webhook_public_key: vector.publicKey },
      });
      const res = await hit(route.POST, providerId, {
        url: webhookUrl("sendgrid", providerId),
        body: vector.payload,
        headers: {
          "x-twilio-email-event-webhook-signature": vector.signature,
          "x-twilio-email-event-webhook-timestamp": vector.timestamp,
        },
      });
      expect(res.status).toBe(401);
      expect(await webhookEventCount(orgId)).toBe(0);
    },
  );
});

describe("POST /api/webhooks/sendgrid/{providerId}", () => {
  it("accepts a signed batch and moves the message to delivered, with opens and clicks on the timeline", async () => {
    const { providerId, message, to } = await setup();
    expect(message.providerMessageId).toMatch(/^SGxid\d+abc$/);
    const payload = body([
      sgEvent(message, to, "processed"),
      sgEvent(message, to, "delivered", { response: "250 OK" }),
      sgEvent(message, to, "open", { useragent: "Mozilla/5.0" }),
      sgEvent(message, to, "click", { url: "https://example.com/offer" }),
    ]);
    const res = await hit(route.POST, providerId, {
      url: webhookUrl("sendgrid", providerId),
      body: payload,
      headers: signed(payload),
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ received: true, stored: 4, duplicates: 0 });
    const after = await messageRow(message.id);
    expect(after.status).toBe("delivered");
    expect(after.deliveredAt).not.toBeNull();
    expect(await eventCount(message.id, "opened")).toBe(1);
    expect(await eventCount(message.id, "clicked")).toBe(1);
  });

  it("finds the message by sg_message_id alone (custom_args missing)", async () => {
    const { providerId, message, to } = await setup();
    const { switchboard_message_id: _, ...event } = sgEvent(message, to, "delivered");
    const payload = body([event]);
    const res = await hit(route.POST, providerId, {
      url: webhookUrl("sendgrid", providerId),
      body: payload,
      headers: signed(payload),
    });
    expect(res.status).toBe(200);
    expect((await messageRow(message.id)).status).toBe("delivered");
  });

  it("answers 401 and stores nothing for a tampered body, another key, a stale or missing signature", async () => {
    const { providerId, orgId, message, to } = await setup();
    const payload = body([sgEvent(message, to, "delivered")]);
    const url = webhookUrl("sendgrid", providerId);
    const good = signed(payload);
    const cases = [
      { body: payload.replace("delivered", "bounce"), headers: good },
      { body: payload, headers: signed(payload, { key: otherKeys.privateKey }) },
      { body: payload, headers: signed(payload, { timestamp: nowSeconds() - 301 }) },
      { body: payload, headers: signed(payload, { timestamp: nowSeconds() + 600 }) },
      { body: payload, headers: { "content-type": "application/json" } },
      { body: payload, headers: { ...good, "x-twilio-email-event-webhook-signature": "not-base64-der" } },
    ];
    for (const c of cases) {
      const res = await hit(route.POST, providerId, { url, ...c });
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe("invalid_signature");
    }
    expect(await webhookEventCount(orgId)).toBe(0);
    expect((await messageRow(message.id)).status).toBe("sent");
  });

  it("stores the same event once and changes the status once", async () => {
    const { providerId, orgId, message, to } = await setup();
    const payload = body([sgEvent(message, to, "delivered")]);
    const url = webhookUrl("sendgrid", providerId);
    const first = await hit(route.POST, providerId, { url, body: payload, headers: signed(payload) });
    const second = await hit(route.POST, providerId, { url, body: payload, headers: signed(payload) });
    expect(first.json).toMatchObject({ stored: 1, duplicates: 0 });
    expect(second.json).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await webhookEventCount(orgId)).toBe(1);
    expect(await eventCount(message.id, "delivered")).toBe(1);
  });

  it("never moves backwards: delivered then a late processed leaves it delivered", async () => {
    const { providerId, message, to } = await setup();
    const url = webhookUrl("sendgrid", providerId);
    const delivered = body([sgEvent(message, to, "delivered")]);
    const processed = body([sgEvent(message, to, "processed")]);
    await hit(route.POST, providerId, { url, body: delivered, headers: signed(delivered) });
    await hit(route.POST, providerId, { url, body: processed, headers: signed(processed) });
    expect((await messageRow(message.id)).status).toBe("delivered");
  });

  it("a hard bounce suppresses the address and the next send to it is refused (422 suppressed)", async () => {
    const { providerId, orgId, key, message, to } = await setup();
    const payload = body([
      sgEvent(message, to, "bounce", {
        type: "bounce",
        reason: "550 5.1.1 The email account does not exist",
        status: "5.1.1",
      }),
    ]);
    const res = await hit(route.POST, providerId, {
      url: webhookUrl("sendgrid", providerId),
      body: payload,
      headers: signed(payload),
    });
    expect(res.status).toBe(200);
    const after = await messageRow(message.id);
    expect(after.status).toBe("bounced");
    expect(after.error).toContain("550 5.1.1");
    expect(await suppressionOf(orgId, to)).toMatchObject({ reason: "hard_bounce", providerId });
    const again = await sendAgain("email", key, to);
    expect(again.status).toBe(422);
    expect(again.json.error.code).toBe("suppressed");
  });

  it("a blocked bounce is undelivered without suppression; a spam report suppresses as a complaint", async () => {
    const { providerId, orgId, message, to } = await setup();
    const url = webhookUrl("sendgrid", providerId);
    const blocked = body([sgEvent(message, to, "bounce", { type: "blocked", reason: "421 try later" })]);
    await hit(route.POST, providerId, { url, body: blocked, headers: signed(blocked) });
    expect((await messageRow(message.id)).status).toBe("undelivered");
    expect(await suppressionOf(orgId, to)).toBeNull();
    const spam = body([sgEvent(message, to, "spamreport")]);
    await hit(route.POST, providerId, { url, body: spam, headers: signed(spam) });
    expect(await suppressionOf(orgId, to)).toMatchObject({ reason: "complaint" });
    expect(await eventCount(message.id, "complained")).toBe(1);
  });

  it("maps dropped to failed, deferred and unsubscribes to timeline events", async () => {
    const { providerId, message, to } = await setup();
    const url = webhookUrl("sendgrid", providerId);
    const payload = body([
      sgEvent(message, to, "deferred", { response: "451 greylisted", attempt: "1" }),
      sgEvent(message, to, "group_unsubscribe", { asm_group_id: 42 }),
      sgEvent(message, to, "dropped", { reason: "Invalid SMTPAPI header" }),
    ]);
    await hit(route.POST, providerId, { url, body: payload, headers: signed(payload) });
    const after = await messageRow(message.id);
    expect(after.status).toBe("failed");
    expect(after.error).toBe("Invalid SMTPAPI header");
    expect(await eventCount(message.id, "deferred")).toBe(1);
    expect(await eventCount(message.id, "unsubscribed")).toBe(1);
  });

  it("answers 404 for an unknown provider id, 400 for a signed body that is not events", async () => {
    const { providerId, orgId } = await setup();
    const url = webhookUrl("sendgrid", providerId);
    const unknown = await hit(route.POST, "00000000-0000-4000-8000-000000000000", {
      url,
      body: "[]",
      headers: signed("[]"),
    });
    expect(unknown.status).toBe(404);
    for (const bad of ['{"event": 42}', "[1, 2", '[{"no_event": true}]', "null"]) {
      const res = await hit(route.POST, providerId, { url, body: bad, headers: signed(bad) });
      expect(res.status, bad).toBe(400);
    }
    expect(await webhookEventCount(orgId)).toBe(0);
  });
});
