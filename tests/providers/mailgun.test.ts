import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MailgunConfig, type MailgunCredentials, mailgunAdapter } from "@/lib/providers/email/mailgun";
import type { AdapterContext, EmailMessage } from "@/lib/providers/types";
import {
  basicCredentials,
  closedPortUrl,
  type HttpDouble,
  multipartOf,
  providerErrorOf,
  startHttpDouble,
} from "./http-double";

let double: HttpDouble;
beforeAll(async () => {
  double = await startHttpDouble();
});
afterAll(() => double.close());
beforeEach(() => double.reset());

const ctx = (base_url: string): AdapterContext<MailgunConfig, MailgunCredentials> => ({
  config: { domain: "mg.example.com", base_url },
  credentials: { api_key: "key-test-123" },
  sender: { email: "hello@mg.example.com" },
});

const message: EmailMessage = {
  id: "msg_mg_1",
  messageIdHeader: "<msg_mg_1@mg.example.com>",
  from: { email: "hello@mg.example.com", name: "Example Shop" },
  to: ["ada@example.org", "bob@example.org"],
  cc: ["cc@example.org"],
  bcc: ["bcc@example.org"],
  subject: "Welcome",
  text: "Hi there",
  html: "<b>Hi there</b>",
  attachments: [
    {
      filename: "terms.pdf",
      content: Buffer.from([0x25, 0x50, 0x44, 0x46, 0xff]),
      contentType: "application/pdf",
    },
  ],
  headers: { "List-Unsubscribe": "<https://example.com/u/1>" },
};

const queued = {
  status: 200,
  body: { id: "<20240101120000.1.ABC@mg.example.com>", message: "Queued. Thank you." },
};

describe("Mailgun adapter", () => {
  it("posts multipart/form-data to /v3/{domain}/messages with Basic api:<key>", async () => {
    double.respond(queued);
    const result = await mailgunAdapter.send(ctx(double.url), message);

    expect(result.providerMessageId).toBe("20240101120000.1.ABC@mg.example.com");
    const req = double.last();
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/v3/mg.example.com/messages");
    expect(basicCredentials(req)).toEqual(["api", "key-test-123"]);
    expect(req.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);

    const form = await multipartOf(req);
    expect(form.get("from")).toBe('"Example Shop" <hello@mg.example.com>');
    expect(form.getAll("to")).toEqual(["ada@example.org", "bob@example.org"]);
    expect(form.getAll("cc")).toEqual(["cc@example.org"]);
    expect(form.getAll("bcc")).toEqual(["bcc@example.org"]);
    expect(form.get("subject")).toBe("Welcome");
    expect(form.get("text")).toBe("Hi there");
    expect(form.get("html")).toBe("<b>Hi there</b>");
    expect(form.get("h:Message-Id")).toBe("<msg_mg_1@mg.example.com>");
    expect(form.get("h:List-Unsubscribe")).toBe("<https://example.com/u/1>");
    expect(form.get("v:switchboard_message_id")).toBe("msg_mg_1");
    const attachment = form.get("attachment");
    expect(attachment).toBeInstanceOf(File);
    const file = attachment as File;
    expect(file.name).toBe("terms.pdf");
    expect(file.type).toBe("application/pdf");
    expect(Buffer.from(await file.arrayBuffer())).toEqual(Buffer.from([0x25, 0x50, 0x44, 0x46, 0xff]));
  });

  it("429 is retryable", async () => {
    double.respond({ status: 429, body: { message: "Too many requests" } });
    const e = await providerErrorOf(mailgunAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 429 });
  });

  it("5xx is retryable", async () => {
    double.respond({ status: 502, body: "Bad Gateway" });
    const e = await providerErrorOf(mailgunAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 502 });
  });

  it("an invalid recipient (400) is not retryable", async () => {
    double.respond({
      status: 400,
      body: { message: "to parameter is not a valid address. please check documentation" },
    });
    const e = await providerErrorOf(mailgunAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: false, status: 400 });
    // The status, not the remote's text: a base_url may point at anything.
    expect(e.message).toBe("Provider answered HTTP 400");
  });

  it("an unknown domain (404) is this provider's setup: retryable", async () => {
    double.respond({ status: 404, body: { message: "Domain not found: mg.example.com" } });
    const e = await providerErrorOf(mailgunAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 404 });
  });

  it("connection refused is retryable", async () => {
    const e = await providerErrorOf(mailgunAdapter.send(ctx(await closedPortUrl()), message));
    expect(e.retryable).toBe(true);
  });

  it("validates config and credentials", () => {
    expect(mailgunAdapter.configSchema.safeParse({}).error?.issues).toEqual([
      expect.objectContaining({ path: ["domain"], message: "is required" }),
    ]);
    expect(mailgunAdapter.configSchema.safeParse({ domain: "mg.example.com/../x" }).success).toBe(false);
    expect(
      mailgunAdapter.configSchema.parse({ domain: "mg.example.com", base_url: "https://api.eu.mailgun.net" }),
    ).toEqual({
      domain: "mg.example.com",
      base_url: "https://api.eu.mailgun.net",
    });
    expect(mailgunAdapter.credentialsSchema.safeParse({ webhook_signing_key: "x" }).error?.issues).toEqual([
      expect.objectContaining({ path: ["api_key"], message: "is required" }),
    ]);
  });
});
