import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type TwilioConfig, type TwilioCredentials, twilioAdapter } from "@/lib/providers/sms/twilio";
import type { AdapterContext, SmsMessage } from "@/lib/providers/types";
import {
  basicCredentials,
  closedPortUrl,
  formOf,
  type HttpDouble,
  providerErrorOf,
  startHttpDouble,
} from "./http-double";

let double: HttpDouble;
beforeAll(async () => {
  double = await startHttpDouble();
});
afterAll(() => double.close());
beforeEach(() => double.reset());

const ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
const SERVICE_SID = "MG0123456789abcdef0123456789abcdef";

const ctx = (
  base_url: string,
  config: Partial<TwilioConfig> = {},
): AdapterContext<TwilioConfig, TwilioCredentials> => ({
  config: { base_url, ...config },
  credentials: { account_sid: ACCOUNT_SID, auth_token: "auth-token-secret" },
  sender: { phone: "+15005550006" },
});

const message: SmsMessage = {
  id: "msg_tw_1",
  to: "+14155552671",
  body: "Your code is 123456",
  mediaUrls: ["https://cdn.example.com/a.png", "https://cdn.example.com/b.jpg"],
  statusCallbackUrl: "https://app.example.com/api/webhooks/twilio/prov_1/status",
};

const created = (price: string | null) => ({
  status: 201,
  body: {
    sid: "SM0123456789abcdef0123456789abcdef",
    status: "queued",
    price,
    price_unit: "USD",
    num_segments: "1",
    error_code: null,
  },
});

const twilioError = (status: number, code: number, text: string) => ({
  status,
  body: { code, message: text, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
});

describe("Twilio adapter", () => {
  it("posts the documented Messages.json form with Basic auth and reports the price", async () => {
    double.respond(created("-0.00750"));
    const result = await twilioAdapter.send(ctx(double.url), message);

    expect(result.providerMessageId).toBe("SM0123456789abcdef0123456789abcdef");
    expect(result.cost).toEqual({ amount: 0.0075, currency: "USD" });
    const req = double.last();
    expect(req.method).toBe("POST");
    expect(req.url).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(basicCredentials(req)).toEqual([ACCOUNT_SID, "auth-token-secret"]);
    expect(req.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    const form = formOf(req);
    expect(form.get("To")).toBe("+14155552671");
    expect(form.get("From")).toBe("+15005550006");
    expect(form.get("Body")).toBe("Your code is 123456");
    expect(form.getAll("MediaUrl")).toEqual([
      "https://cdn.example.com/a.png",
      "https://cdn.example.com/b.jpg",
    ]);
    expect(form.get("StatusCallback")).toBe("https://app.example.com/api/webhooks/twilio/prov_1/status");
    expect(form.has("MessagingServiceSid")).toBe(false);
    expect(JSON.stringify(result.response)).not.toContain("auth-token-secret");
  });

  it("uses the Messaging Service when configured, and has no cost while the price is null", async () => {
    double.respond(created(null));
    const result = await twilioAdapter.send(ctx(double.url, { messaging_service_sid: SERVICE_SID }), {
      id: "msg_tw_2",
      to: "+14155552671",
      body: "Hello",
    });
    expect(result.cost ?? null).toBeNull();
    const form = formOf(double.last());
    expect(form.get("MessagingServiceSid")).toBe(SERVICE_SID);
    expect(form.has("From")).toBe(false);
    expect(form.has("MediaUrl")).toBe(false);
    expect(form.has("StatusCallback")).toBe(false);
  });

  it("prefers the message's own From, then the sender ID", async () => {
    double.respond(created(null), created(null));
    await twilioAdapter.send(ctx(double.url), { ...message, from: "+15005550001" });
    expect(formOf(double.last()).get("From")).toBe("+15005550001");
    await twilioAdapter.send({ ...ctx(double.url), sender: { sender_id: "ACME" } }, message);
    expect(formOf(double.last()).get("From")).toBe("ACME");
  });

  it("429 is retryable", async () => {
    double.respond(twilioError(429, 20429, "Too Many Requests"));
    const e = await providerErrorOf(twilioAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 429 });
  });

  it("5xx is retryable", async () => {
    double.respond({ status: 500, body: "Internal Server Error" });
    const e = await providerErrorOf(twilioAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 500 });
  });

  it("an invalid 'To' number (400, 21211 / 21614) is not retryable", async () => {
    double.respond(
      twilioError(400, 21211, "The 'To' number +1415555 is not a valid phone number."),
      twilioError(400, 21614, "'To' number is not a valid mobile number"),
    );
    const e1 = await providerErrorOf(twilioAdapter.send(ctx(double.url), message));
    expect(e1).toMatchObject({ retryable: false, status: 400, providerCode: "21211" });
    const e2 = await providerErrorOf(twilioAdapter.send(ctx(double.url), message));
    expect(e2).toMatchObject({ retryable: false, status: 400, providerCode: "21614" });
  });

  it("names the status and Twilio's code, never the text of the answer", async () => {
    double.respond(twilioError(400, 21211, "The 'To' number +1415555 is not a valid phone number."));
    const e = await providerErrorOf(twilioAdapter.send(ctx(double.url), message));
    expect(e.message).toBe("Provider answered HTTP 400 (code 21211)");
  });

  it("refuses media URLs that are not https or name an IP address or localhost, before any call", async () => {
    for (const url of [
      "http://cdn.example.com/a.png",
      "https://10.0.0.5/a.png",
      "https://169.254.169.254/latest/meta-data/",
      "https://[::1]/a.png",
      "https://localhost/a.png",
    ]) {
      const e = await providerErrorOf(twilioAdapter.send(ctx(double.url), { ...message, mediaUrls: [url] }));
      expect(e).toMatchObject({ retryable: false });
      expect(e.message).toMatch(/^Media URL 1 must/);
    }
    expect(double.requests).toHaveLength(0);
  });

  it("an account problem answered with 400 (e.g. 21608 trial account) is retryable", async () => {
    double.respond(
      twilioError(400, 21608, "The number is unverified. Trial accounts cannot send messages to it."),
    );
    const e = await providerErrorOf(twilioAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 400, providerCode: "21608" });
  });

  it("bad credentials (401) are retryable", async () => {
    double.respond(twilioError(401, 20003, "Authenticate"));
    const e = await providerErrorOf(twilioAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 401, providerCode: "20003" });
  });

  it("connection refused is retryable", async () => {
    const e = await providerErrorOf(twilioAdapter.send(ctx(await closedPortUrl()), message));
    expect(e.retryable).toBe(true);
  });

  it("validates config and credentials", () => {
    expect(twilioAdapter.supportsMms).toBe(true);
    expect(twilioAdapter.configSchema.parse({})).toEqual({});
    expect(twilioAdapter.configSchema.safeParse({ messaging_service_sid: "nope" }).success).toBe(false);
    expect(twilioAdapter.credentialsSchema.safeParse({}).error?.issues).toEqual([
      expect.objectContaining({ path: ["account_sid"], message: "is required" }),
      expect.objectContaining({ path: ["auth_token"], message: "is required" }),
    ]);
    expect(twilioAdapter.credentialsSchema.safeParse({ account_sid: "XX123", auth_token: "t" }).success).toBe(
      false,
    );
  });
});
