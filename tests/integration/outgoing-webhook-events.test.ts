import { Webhook } from "standardwebhooks";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as providers from "@/app/api/v1/providers/route";
import * as sms from "@/app/api/v1/sms/send/route";
import * as endpoints from "@/app/api/v1/webhook-endpoints/route";
import * as inbound from "@/app/api/webhooks/twilio/[providerId]/inbound/route";
import * as status from "@/app/api/webhooks/twilio/[providerId]/status/route";
import { drainJobs } from "@/lib/jobs/runner";
import { deliverDue, fanOut } from "@/lib/services/outgoing-webhooks/deliver";
import { call, makeKey, makeOrg } from "../factories";
import { type HttpDouble, startHttpDouble } from "../providers/http-double";

// The events provider webhooks cause reach the organisation's own endpoint:
// status callbacks (message.delivered), inbound SMS (message.inbound) and the
// STOP keyword (opt_out.created).

const AUTH_TOKEN = "twilio-auth-token-0123456789";
const SID = `AC${"1".repeat(32)}`;
let receiver: HttpDouble;
let twilioApi: HttpDouble;
beforeAll(async () => {
  receiver = await startHttpDouble({ status: 204 });
  twilioApi = await startHttpDouble({
    status: 201,
    body: { sid: "SM00000000000000000000000000000042", status: "queued", price: null },
  });
  await makeOrg(); // migrates the fresh database under the hook timeout
});
afterAll(async () => {
  await receiver.close();
  await twilioApi.close();
});

function signed(providerId: string, kind: "status" | "inbound", params: Record<string, string>) {
  const url = `http://localhost/api/webhooks/twilio/${providerId}/${kind}`;
  return new Request(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params),
    },
    body: new URLSearchParams(params).toString(),
  });
}

describe("events from provider webhooks", () => {
  it("tells the endpoint about delivery receipts, inbound SMS and STOP, each signed", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const provider = await call(providers.POST, {
      method: "POST",
      key,
      body: {
        name: "Twilio",
        type: "twilio",
        priority: 1,
        sender: { phone: "+12025550100" },
        config: { base_url: twilioApi.url },
        credentials: { account_sid: SID, auth_token: AUTH_TOKEN },
      },
    });
    const providerId = provider.json.id as string;
    const endpoint = await call(endpoints.POST, {
      method: "POST",
      key,
      body: {
        url: `${receiver.url}/events`,
        event_types: ["message.delivered", "message.inbound", "opt_out.created"],
      },
    });
    const sent = await call(sms.POST, { method: "POST", key, body: { to: "+12025550142", message: "Hi" } });
    await drainJobs();
    const ctx = { params: Promise.resolve({ providerId }) };
    const receipt = await status.POST(
      signed(providerId, "status", {
        MessageSid: "SM00000000000000000000000000000042",
        MessageStatus: "delivered",
        AccountSid: SID,
      }),
      ctx,
    );
    expect(receipt.status).toBeLessThan(300);
    const stop = await inbound.POST(
      signed(providerId, "inbound", {
        MessageSid: "SMin00000000000000000000000000001",
        From: "+12025550199",
        To: "+12025550100",
        Body: "STOP",
        NumMedia: "0",
      }),
      ctx,
    );
    expect(stop.status).toBe(200);
    await fanOut({ orgId });
    await deliverDue({ orgId });
    const wh = new Webhook(endpoint.json.secret);
    const got = receiver.requests.map(
      (r) =>
        wh.verify(r.text, {
          "webhook-id": String(r.headers["webhook-id"]),
          "webhook-timestamp": String(r.headers["webhook-timestamp"]),
          "webhook-signature": String(r.headers["webhook-signature"]),
        }) as { type: string; data: Record<string, unknown> },
    );
    expect(got.map((e) => e.type).sort()).toEqual([
      "message.delivered",
      "message.inbound",
      "opt_out.created",
    ]);
    expect(got.find((e) => e.type === "message.delivered")?.data).toMatchObject({
      id: sent.json.id,
      status: "delivered",
      provider_type: "twilio",
    });
    expect(got.find((e) => e.type === "message.inbound")?.data).toMatchObject({
      from: "+12025550199",
      body: "STOP",
    });
    expect(got.find((e) => e.type === "opt_out.created")?.data).toMatchObject({
      address: "+12025550199",
      channel: "sms",
      source: "inbound_keyword",
    });
  });
});
