import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type AfricastalkingConfig,
  type AfricastalkingCredentials,
  africastalkingAdapter,
} from "@/lib/providers/sms/africastalking";
import type { AdapterContext, SmsMessage } from "@/lib/providers/types";
import { closedPortUrl, formOf, type HttpDouble, providerErrorOf, startHttpDouble } from "./http-double";

let double: HttpDouble;
beforeAll(async () => {
  double = await startHttpDouble();
});
afterAll(() => double.close());
beforeEach(() => double.reset());

const ctx = (base_url: string): AdapterContext<AfricastalkingConfig, AfricastalkingCredentials> => ({
  config: { base_url },
  credentials: { username: "shopco", api_key: "atsk_secret" },
  sender: { sender_id: "SHOPCO" },
});

const message: SmsMessage = { id: "msg_at_1", to: "+254711082000", body: "Your order is ready" };

const answer = (recipient: Record<string, unknown>, message = "Sent to 1/1 Total Cost: KES 0.8000") => ({
  status: 201,
  body: { SMSMessageData: { Message: message, Recipients: [{ number: "+254711082000", ...recipient }] } },
});
const failed = (statusCode: number, status: string) =>
  answer({ statusCode, status, messageId: "None", cost: "0" }, "Sent to 0/1 Total Cost: 0");

describe("Africa's Talking adapter", () => {
  it("posts the documented form with the apiKey header and parses the cost", async () => {
    double.respond(
      answer({
        statusCode: 101,
        status: "Success",
        messageId: "ATXid_0c2b2b1e",
        cost: "KES 0.8000",
        messageParts: 1,
      }),
    );
    const result = await africastalkingAdapter.send(ctx(double.url), message);

    expect(result.providerMessageId).toBe("ATXid_0c2b2b1e");
    expect(result.cost).toEqual({ amount: 0.8, currency: "KES" });
    const req = double.last();
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/version1/messaging");
    expect(req.headers.apikey).toBe("atsk_secret");
    expect(req.headers.accept).toBe("application/json");
    expect(req.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(formOf(req))).toEqual({
      username: "shopco",
      to: "+254711082000",
      message: "Your order is ready",
      from: "SHOPCO",
    });
    expect(JSON.stringify(result.response)).not.toContain("atsk_secret");
  });

  it("accepts Processed (100) and Queued (102) too", async () => {
    double.respond(
      answer({ statusCode: 100, status: "Processed", messageId: "ATXid_a", cost: "UGX 25.0000" }),
      answer({ statusCode: 102, status: "Queued", messageId: "ATXid_b", cost: "KES 0.8000" }),
    );
    expect(await africastalkingAdapter.send(ctx(double.url), message)).toMatchObject({
      providerMessageId: "ATXid_a",
      cost: { amount: 25, currency: "UGX" },
    });
    expect((await africastalkingAdapter.send(ctx(double.url), message)).providerMessageId).toBe("ATXid_b");
  });

  it("an invalid phone number in the 201 answer (403, 404, 406) is not retryable", async () => {
    double.respond(
      failed(403, "InvalidPhoneNumber"),
      failed(404, "UnsupportedNumberType"),
      failed(406, "UserInBlacklist"),
    );
    for (const code of ["403", "404", "406"]) {
      const e = await providerErrorOf(africastalkingAdapter.send(ctx(double.url), message));
      expect(e).toMatchObject({ retryable: false, providerCode: code });
    }
  });

  it("gateway and account failures in the 201 answer (500, 501, 502, 405) are retryable", async () => {
    double.respond(
      failed(500, "InternalServerError"),
      failed(501, "GatewayError"),
      failed(502, "RejectedByGateway"),
      failed(405, "InsufficientBalance"),
    );
    for (const code of ["500", "501", "502", "405"]) {
      const e = await providerErrorOf(africastalkingAdapter.send(ctx(double.url), message));
      expect(e).toMatchObject({ retryable: true, providerCode: code });
    }
  });

  it("an answer without recipients is an error", async () => {
    double.respond({ status: 201, body: { SMSMessageData: { Message: "InvalidSenderId", Recipients: [] } } });
    const e = await providerErrorOf(africastalkingAdapter.send(ctx(double.url), message));
    expect(e.retryable).toBe(true);
    expect(e.message).toContain("InvalidSenderId");
  });

  it("429 is retryable", async () => {
    double.respond({ status: 429, body: "Too Many Requests" });
    const e = await providerErrorOf(africastalkingAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 429 });
  });

  it("5xx is retryable", async () => {
    double.respond({ status: 500, body: "Internal Server Error" });
    const e = await providerErrorOf(africastalkingAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 500 });
  });

  it("bad credentials (401) are retryable", async () => {
    double.respond({ status: 401, body: "The supplied authentication is invalid" });
    const e = await providerErrorOf(africastalkingAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 401 });
  });

  it("connection refused is retryable", async () => {
    const e = await providerErrorOf(africastalkingAdapter.send(ctx(await closedPortUrl()), message));
    expect(e.retryable).toBe(true);
  });

  it("validates config and credentials", () => {
    expect(africastalkingAdapter.configSchema.parse({})).toEqual({});
    expect(africastalkingAdapter.credentialsSchema.safeParse({ username: "sandbox" }).error?.issues).toEqual([
      expect.objectContaining({ path: ["api_key"], message: "is required" }),
    ]);
  });
});
