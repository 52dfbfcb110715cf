import twilio from "twilio";
import { describe, expect, it } from "vitest";
import * as providers from "@/app/api/v1/providers/route";
import * as segments from "@/app/api/v1/sms/segments/route";
import * as stripe from "@/app/api/webhooks/stripe/route";
import * as inbound from "@/app/api/webhooks/twilio/[providerId]/inbound/route";
import * as status from "@/app/api/webhooks/twilio/[providerId]/status/route";
import { call, makeKey, makeOrg } from "../factories";
import { inboundMessages, webhookEventCount } from "./helpers";

// Every webhook route and every /api/v1 JSON body reads through the one capped
// reader: over 1 MB is a 413 before anything is parsed, verified or stored.

const AUTH_TOKEN = "twilio-cap-token";
const TWO_MB = 2 * 1024 * 1024;

async function twilioProvider() {
  const { orgId } = await makeOrg();
  const key = await makeKey(orgId);
  const created = await call(providers.POST, {
    method: "POST",
    key,
    body: {
      name: "Twilio",
      type: "twilio",
      priority: 1,
      sender: { phone: "+12025550100" },
      credentials: { account_sid: `AC${"1".repeat(32)}`, auth_token: AUTH_TOKEN },
    },
  });
  return { orgId, providerId: created.json.id as string };
}

/** A correctly signed Twilio callback padded past the cap: only the cap stands between it and the database. */
function signedHuge(providerId: string, kind: "status" | "inbound", params: Record<string, string>) {
  const url = `http://localhost/api/webhooks/twilio/${providerId}/${kind}`;
  const padded = { ...params, Padding: "x".repeat(TWO_MB) };
  return new Request(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, padded),
    },
    body: new URLSearchParams(padded).toString(),
  });
}

/** A body streamed without a Content-Length, so the reader itself must stop at the cap. */
function streamed(url: string, size: number, headers: Record<string, string>) {
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return new Request(url, { method: "POST", headers, body, duplex: "half" } as RequestInit);
}

describe("capped bodies", () => {
  it("a signed 2 MB Twilio status callback is refused with 413 and nothing is stored", async () => {
    const { orgId, providerId } = await twilioProvider();
    const res = await status.POST(
      signedHuge(providerId, "status", { MessageSid: "SMcap1", MessageStatus: "delivered" }),
      { params: Promise.resolve({ providerId }) },
    );
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
    expect(await webhookEventCount(orgId)).toBe(0);
  });

  it("a signed 2 MB Twilio inbound message is refused with 413 and no message is stored", async () => {
    const { orgId, providerId } = await twilioProvider();
    const res = await inbound.POST(
      signedHuge(providerId, "inbound", {
        MessageSid: "SMcap2",
        From: "+12025550111",
        To: "+12025550100",
        Body: "STOP",
      }),
      { params: Promise.resolve({ providerId }) },
    );
    expect(res.status).toBe(413);
    expect(await inboundMessages(orgId)).toHaveLength(0);
    expect(await webhookEventCount(orgId)).toBe(0);
  });

  it("a streamed Twilio body without Content-Length stops at the cap", async () => {
    const { providerId } = await twilioProvider();
    const res = await status.POST(
      streamed(`http://localhost/api/webhooks/twilio/${providerId}/status`, TWO_MB, {
        "content-type": "application/x-www-form-urlencoded",
      }),
      { params: Promise.resolve({ providerId }) },
    );
    expect(res.status).toBe(413);
  });

  it("the Stripe webhook refuses a 2 MB body with 413 before looking at the signature", async () => {
    const res = await stripe.POST(
      streamed("http://localhost/api/webhooks/stripe", TWO_MB, {
        "content-type": "application/json",
        "stripe-signature": "t=1,v1=00",
      }),
    );
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
  });

  it("an /api/v1 JSON body over 1 MB is a 413 payload_too_large; one under it is parsed", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const big = await call(segments.POST, {
      method: "POST",
      path: "/sms/segments",
      key,
      body: { text: "a".repeat(1_100_000) },
    });
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe("payload_too_large");
    const small = await call(segments.POST, {
      method: "POST",
      path: "/sms/segments",
      key,
      body: { text: "hello" },
    });
    expect(small.status).toBe(200);
  });
});
