import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type VonageConfig, type VonageCredentials, vonageAdapter } from "@/lib/providers/sms/vonage";
import type { AdapterContext, SmsMessage } from "@/lib/providers/types";
import { closedPortUrl, formOf, type HttpDouble, providerErrorOf, startHttpDouble } from "./http-double";

let double: HttpDouble;
beforeAll(async () => {
  double = await startHttpDouble();
});
afterAll(() => double.close());
beforeEach(() => double.reset());

const ctx = (base_url: string): AdapterContext<VonageConfig, VonageCredentials> => ({
  config: { base_url },
  credentials: { api_key: "abc123", api_secret: "vonage-secret" },
  sender: { phone: "+447700900001" },
});

const message: SmsMessage = {
  id: "msg_vn_1",
  to: "+447700900000",
  body: "Your table is ready — 2 min",
  statusCallbackUrl: "https://app.example.com/api/webhooks/vonage/prov_2",
};

const ok = {
  status: 200,
  body: {
    "message-count": "1",
    messages: [
      {
        to: "447700900000",
        "message-id": "0A0000000123ABCD1",
        status: "0",
        "remaining-balance": "3.14159265",
        "message-price": "0.03330000",
        network: "12345",
        "client-ref": "msg_vn_1",
      },
    ],
  },
};
const rejected = (status: string, text: string) => ({
  status: 200,
  body: { "message-count": "1", messages: [{ status, "error-text": text }] },
});

describe("Vonage adapter", () => {
  it("posts the documented /sms/json form and reads the per-message status", async () => {
    double.respond(ok);
    const result = await vonageAdapter.send(ctx(double.url), message);

    expect(result.providerMessageId).toBe("0A0000000123ABCD1");
    expect(result.cost).toEqual({ amount: 0.0333, currency: "EUR" });
    const req = double.last();
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/sms/json");
    expect(req.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(formOf(req))).toEqual({
      api_key: "abc123",
      api_secret: "vonage-secret",
      from: "447700900001",
      to: "447700900000",
      // "—" (em dash) is not in the GSM alphabet.
      text: "Your table is ready — 2 min",
      type: "unicode",
      "client-ref": "msg_vn_1",
      callback: "https://app.example.com/api/webhooks/vonage/prov_2",
    });
    expect(JSON.stringify(result.response)).not.toContain("vonage-secret");
  });

  it("sends GSM text (extension characters included) without type=unicode, and an alphanumeric sender as is", async () => {
    double.respond(ok, ok, ok);
    await vonageAdapter.send(
      { ...ctx(double.url), sender: { sender_id: "ACME" } },
      {
        id: "m2",
        to: "+447700900000",
        body: "Total: €12 [paid] {ok} ~ Grüße",
      },
    );
    const form = formOf(double.last());
    expect(form.has("type")).toBe(false);
    expect(form.get("from")).toBe("ACME");
    expect(form.has("callback")).toBe(false);

    await vonageAdapter.send(ctx(double.url), { id: "m3", to: "+447700900000", body: "It’s here" });
    expect(formOf(double.last()).get("type")).toBe("unicode");
    await vonageAdapter.send(ctx(double.url), { id: "m4", to: "+447700900000", body: "Party 🎉" });
    expect(formOf(double.last()).get("type")).toBe("unicode");
  });

  it("reports the first part's id and the summed price for a multi-part message", async () => {
    double.respond({
      status: 200,
      body: {
        "message-count": "2",
        messages: [
          { "message-id": "part-1", status: "0", "message-price": "0.03330000" },
          { "message-id": "part-2", status: "0", "message-price": "0.03330000" },
        ],
      },
    });
    const result = await vonageAdapter.send(ctx(double.url), message);
    expect(result.providerMessageId).toBe("part-1");
    expect(result.cost).toEqual({ amount: 0.0666, currency: "EUR" });
  });

  it("status 1 (throttled), 4 (invalid credentials), 5 (internal error) and 9 (quota) are retryable", async () => {
    double.respond(
      rejected("1", "Throughput Rate Exceeded"),
      rejected("4", "Bad Credentials"),
      rejected("5", "Internal Error"),
      rejected("9", "Partner quota exceeded"),
    );
    for (const status of ["1", "4", "5", "9"]) {
      const e = await providerErrorOf(vonageAdapter.send(ctx(double.url), message));
      expect(e).toMatchObject({ retryable: true, providerCode: status });
    }
  });

  it("status 3 (invalid parameters) and 6 (invalid message / number) are not retryable", async () => {
    double.respond(rejected("3", "Invalid to address"), rejected("6", "Unroutable message - rejected"));
    for (const status of ["3", "6"]) {
      const e = await providerErrorOf(vonageAdapter.send(ctx(double.url), message));
      expect(e).toMatchObject({ retryable: false, providerCode: status });
    }
  });

  it("429 is retryable", async () => {
    double.respond({ status: 429, body: "Too Many Requests" });
    const e = await providerErrorOf(vonageAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 429 });
  });

  it("5xx is retryable", async () => {
    double.respond({ status: 503, body: "Service Unavailable" });
    const e = await providerErrorOf(vonageAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 503 });
  });

  it("connection refused is retryable", async () => {
    const e = await providerErrorOf(vonageAdapter.send(ctx(await closedPortUrl()), message));
    expect(e.retryable).toBe(true);
  });

  it("validates config and credentials", () => {
    expect(vonageAdapter.configSchema.parse({ base_url: "https://rest.nexmo.com" })).toEqual({
      base_url: "https://rest.nexmo.com",
    });
    expect(vonageAdapter.credentialsSchema.safeParse({ api_key: "k" }).error?.issues).toEqual([
      expect.objectContaining({ path: ["api_secret"], message: "is required" }),
    ]);
    expect(
      vonageAdapter.credentialsSchema.parse({ api_key: "k", api_secret: "s", signature_secret: "" }),
    ).toEqual({
      api_key: "k",
      api_secret: "s",
    });
  });
});
