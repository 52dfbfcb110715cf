import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type SendgridConfig,
  type SendgridCredentials,
  sendgridAdapter,
} from "@/lib/providers/email/sendgrid";
import type { AdapterContext, EmailMessage } from "@/lib/providers/types";
import { closedPortUrl, type HttpDouble, jsonOf, providerErrorOf, startHttpDouble } from "./http-double";

let double: HttpDouble;
beforeAll(async () => {
  double = await startHttpDouble();
});
afterAll(() => double.close());
beforeEach(() => double.reset());

const ctx = (base_url: string): AdapterContext<SendgridConfig, SendgridCredentials> => ({
  config: { base_url },
  credentials: { api_key: "SG.test-key" },
  sender: { email: "hello@example.com", name: "Example" },
});

const message: EmailMessage = {
  id: "msg_123",
  messageIdHeader: "<msg_123@mail.example.com>",
  from: { email: "hello@example.com", name: "Example Shop" },
  to: ["ada@example.org", "bob@example.org"],
  cc: ["cc@example.org"],
  bcc: ["bcc@example.org"],
  subject: "Your order",
  text: "Plain body",
  html: "<p>HTML body</p>",
  attachments: [
    { filename: "invoice.pdf", content: Buffer.from("%PDF-1.4 test"), contentType: "application/pdf" },
  ],
  headers: { "List-Unsubscribe": "<https://example.com/u/abc>" },
};

describe("SendGrid adapter", () => {
  it("posts the documented v3 mail/send request and returns X-Message-Id", async () => {
    double.respond({ status: 202, headers: { "x-message-id": "sg-msg-1" } });
    const result = await sendgridAdapter.send(ctx(double.url), message);

    expect(result.providerMessageId).toBe("sg-msg-1");
    expect(result.cost ?? null).toBeNull();
    expect(double.requests).toHaveLength(1);
    const req = double.last();
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/v3/mail/send");
    expect(req.headers.authorization).toBe("Bearer SG.test-key");
    expect(req.headers["content-type"]).toMatch(/^application\/json/);
    expect(jsonOf(req)).toEqual({
      personalizations: [
        {
          to: [{ email: "ada@example.org" }, { email: "bob@example.org" }],
          cc: [{ email: "cc@example.org" }],
          bcc: [{ email: "bcc@example.org" }],
        },
      ],
      from: { email: "hello@example.com", name: "Example Shop" },
      subject: "Your order",
      content: [
        { type: "text/plain", value: "Plain body" },
        { type: "text/html", value: "<p>HTML body</p>" },
      ],
      attachments: [
        {
          content: Buffer.from("%PDF-1.4 test").toString("base64"),
          filename: "invoice.pdf",
          type: "application/pdf",
          disposition: "attachment",
        },
      ],
      headers: {
        "List-Unsubscribe": "<https://example.com/u/abc>",
        "Message-ID": "<msg_123@mail.example.com>",
      },
      custom_args: { switchboard_message_id: "msg_123" },
    });
    expect(JSON.stringify(result.response)).not.toContain("SG.test-key");
  });

  it("leaves out empty recipient lists and attachments, and keeps a base URL's path prefix", async () => {
    double.respond({ status: 202, headers: { "x-message-id": "sg-msg-2" } });
    await sendgridAdapter.send(ctx(`${double.url}/proxy/`), {
      ...message,
      to: ["ada@example.org"],
      cc: undefined,
      bcc: [],
      html: undefined,
      attachments: undefined,
      headers: undefined,
    });
    const req = double.last();
    expect(req.url).toBe("/proxy/v3/mail/send");
    const body = jsonOf(req) as Record<string, unknown>;
    expect(body.personalizations).toEqual([{ to: [{ email: "ada@example.org" }] }]);
    expect(body.content).toEqual([{ type: "text/plain", value: "Plain body" }]);
    expect(body).not.toHaveProperty("attachments");
    expect(body.headers).toEqual({ "Message-ID": "<msg_123@mail.example.com>" });
  });

  it("429 is retryable", async () => {
    double.respond({ status: 429, body: { errors: [{ message: "too many requests" }] } });
    const e = await providerErrorOf(sendgridAdapter.send(ctx(double.url), message));
    expect(e.retryable).toBe(true);
    expect(e.status).toBe(429);
  });

  it("5xx is retryable", async () => {
    double.respond({ status: 503, body: "Service Unavailable" });
    const e = await providerErrorOf(sendgridAdapter.send(ctx(double.url), message));
    expect(e.retryable).toBe(true);
    expect(e.status).toBe(503);
  });

  it("401 (this provider's bad key) is retryable", async () => {
    double.respond({
      status: 401,
      body: { errors: [{ message: "The provided authorization grant is invalid" }] },
    });
    const e = await providerErrorOf(sendgridAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 401 });
  });

  it("an invalid recipient (400) is not retryable", async () => {
    double.respond({
      status: 400,
      body: {
        errors: [
          {
            message: "Does not contain a valid address.",
            field: "personalizations.0.to.0.email",
            help: null,
          },
        ],
      },
    });
    const e = await providerErrorOf(sendgridAdapter.send(ctx(double.url), message));
    expect(e.retryable).toBe(false);
    expect(e.status).toBe(400);
    // The status, not the remote's text: a base_url may point at anything.
    expect(e.message).toBe("Provider answered HTTP 400");
  });

  it("connection refused is retryable", async () => {
    const e = await providerErrorOf(sendgridAdapter.send(ctx(await closedPortUrl()), message));
    expect(e.retryable).toBe(true);
    expect(e.status).toBeUndefined();
  });

  it("validates config and credentials", () => {
    expect(sendgridAdapter.configSchema.parse({})).toEqual({});
    expect(sendgridAdapter.configSchema.safeParse({ base_url: "not a url" }).success).toBe(false);
    expect(sendgridAdapter.configSchema.parse({ base_url: "" })).toEqual({ base_url: undefined });
    const bad = sendgridAdapter.credentialsSchema.safeParse({});
    expect(bad.error?.issues).toEqual([
      expect.objectContaining({ path: ["api_key"], message: "is required" }),
    ]);
    expect(sendgridAdapter.credentialsSchema.parse({ api_key: "k", webhook_public_key: "pk" })).toEqual({
      api_key: "k",
      webhook_public_key: "pk",
    });
  });
});
