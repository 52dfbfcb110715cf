import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type MessagebirdConfig,
  type MessagebirdCredentials,
  messagebirdAdapter,
} from "@/lib/providers/sms/messagebird";
import type { AdapterContext, SmsMessage } from "@/lib/providers/types";
import { closedPortUrl, type HttpDouble, jsonOf, providerErrorOf, startHttpDouble } from "./http-double";

let double: HttpDouble;
beforeAll(async () => {
  double = await startHttpDouble();
});
afterAll(() => double.close());
beforeEach(() => double.reset());

const ctx = (base_url: string): AdapterContext<MessagebirdConfig, MessagebirdCredentials> => ({
  config: { base_url },
  credentials: { access_key: "live_mb_key" },
  sender: { sender_id: "ShopCo" },
});

const message: SmsMessage = {
  id: "msg_mb_1",
  to: "+31612345678",
  body: "Your parcel is on its way",
  statusCallbackUrl: "https://app.example.com/api/webhooks/messagebird/prov_3",
};

const created = {
  status: 201,
  body: {
    id: "e8077d803532c0b5937c639b60216938",
    href: "https://rest.messagebird.com/messages/e8077d803532c0b5937c639b60216938",
    direction: "mt",
    type: "sms",
    originator: "ShopCo",
    body: "Your parcel is on its way",
    reference: "msg_mb_1",
    recipients: {
      totalCount: 1,
      totalSentCount: 1,
      totalDeliveredCount: 0,
      totalDeliveryFailedCount: 0,
      items: [{ recipient: 31612345678, status: "sent", statusDatetime: "2024-01-01T12:00:00+00:00" }],
    },
  },
};
const mbError = (status: number, code: number, description: string, parameter: string | null = null) => ({
  status,
  body: { errors: [{ code, description, parameter }] },
});

describe("MessageBird adapter", () => {
  it("posts the documented JSON to /messages with the AccessKey header", async () => {
    double.respond(created);
    const result = await messagebirdAdapter.send(ctx(double.url), message);

    expect(result.providerMessageId).toBe("e8077d803532c0b5937c639b60216938");
    const req = double.last();
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/messages");
    expect(req.headers.authorization).toBe("AccessKey live_mb_key");
    expect(req.headers["content-type"]).toMatch(/^application\/json/);
    expect(jsonOf(req)).toEqual({
      originator: "ShopCo",
      recipients: ["31612345678"],
      body: "Your parcel is on its way",
      reference: "msg_mb_1",
      reportUrl: "https://app.example.com/api/webhooks/messagebird/prov_3",
    });
    expect(JSON.stringify(result.response)).not.toContain("live_mb_key");
  });

  it("sends a phone-number originator without the '+'", async () => {
    double.respond(created);
    await messagebirdAdapter.send(ctx(double.url), {
      id: "m2",
      to: "+31612345678",
      body: "Hi",
      from: "+3197010203040",
    });
    expect(jsonOf(double.last())).toEqual({
      originator: "3197010203040",
      recipients: ["31612345678"],
      body: "Hi",
      reference: "m2",
    });
  });

  it("429 is retryable", async () => {
    double.respond({ status: 429, body: "Too Many Requests" });
    const e = await providerErrorOf(messagebirdAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 429 });
  });

  it("5xx is retryable", async () => {
    double.respond(mbError(500, 99, "Internal error"));
    const e = await providerErrorOf(messagebirdAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 500 });
  });

  it("no (correct) recipients (422, code 9) is not retryable", async () => {
    double.respond(mbError(422, 9, "no (correct) recipients found", "recipients"));
    const e = await providerErrorOf(messagebirdAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: false, status: 422, providerCode: "9" });
  });

  it("a bad access key (401, code 2) or no balance (code 25) is retryable", async () => {
    double.respond(
      mbError(401, 2, "Request not allowed (incorrect access_key)"),
      mbError(422, 25, "Not enough balance"),
    );
    expect(await providerErrorOf(messagebirdAdapter.send(ctx(double.url), message))).toMatchObject({
      retryable: true,
      status: 401,
      providerCode: "2",
    });
    expect(await providerErrorOf(messagebirdAdapter.send(ctx(double.url), message))).toMatchObject({
      retryable: true,
      providerCode: "25",
    });
  });

  it("connection refused is retryable", async () => {
    const e = await providerErrorOf(messagebirdAdapter.send(ctx(await closedPortUrl()), message));
    expect(e.retryable).toBe(true);
  });

  it("validates config and credentials", () => {
    expect(messagebirdAdapter.supportsMms).toBe(false);
    expect(messagebirdAdapter.configSchema.safeParse({ base_url: "javascript:alert(1)" }).success).toBe(
      false,
    );
    expect(messagebirdAdapter.credentialsSchema.safeParse({ access_key: "   " }).error?.issues).toEqual([
      expect.objectContaining({ path: ["access_key"], message: "is required" }),
    ]);
  });
});
