import { simpleParser } from "mailparser";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type SesConfig, type SesCredentials, sesAdapter } from "@/lib/providers/email/ses";
import type { AdapterContext, EmailMessage } from "@/lib/providers/types";
import {
  closedPortUrl,
  type HttpDouble,
  jsonOf,
  providerErrorOf,
  startHttpDouble,
  verifySigV4,
} from "./http-double";

let double: HttpDouble;
beforeAll(async () => {
  double = await startHttpDouble();
});
afterAll(() => double.close());
beforeEach(() => double.reset());

const credentials: SesCredentials = {
  access_key_id: "AKIDEXAMPLE",
  secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const ctx = (base_url: string, configuration_set?: string): AdapterContext<SesConfig, SesCredentials> => ({
  config: { region: "eu-west-1", base_url, configuration_set },
  credentials,
  sender: { email: "hello@example.com" },
});

const message: EmailMessage = {
  id: "msg_ses_1",
  messageIdHeader: "<msg_ses_1@mail.example.com>",
  from: { email: "hello@example.com", name: "Example Shop" },
  to: ["ada@example.org"],
  cc: ["cc@example.org"],
  bcc: ["hidden@example.org"],
  subject: "Your receipt",
  text: "Plain receipt",
  html: "<p>HTML receipt</p>",
  attachments: [
    { filename: "receipt.txt", content: Buffer.from("total: 10 EUR"), contentType: "text/plain" },
  ],
  headers: {
    "List-Unsubscribe": "<https://example.com/u/xyz>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  },
};

describe("SES adapter", () => {
  it("sends a SigV4-signed v2 SendEmail with a raw MIME message", async () => {
    double.respond({ status: 200, body: { MessageId: "0102018f-ses-id-000000" } });
    const result = await sesAdapter.send(ctx(double.url, "tracking"), message);

    expect(result.providerMessageId).toBe("0102018f-ses-id-000000");
    const req = double.last();
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/v2/email/outbound-emails");
    expect(req.headers["content-type"]).toMatch(/^application\/json/);
    expect(req.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/ses\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    verifySigV4(req, { ...sigV4Keys(), region: "eu-west-1", service: "ses" });

    const body = jsonOf(req) as {
      FromEmailAddress: string;
      Destination: Record<string, string[]>;
      Content: { Raw: { Data: string } };
      ConfigurationSetName?: string;
      EmailTags: { Name: string; Value: string }[];
    };
    expect(body.FromEmailAddress).toBe("hello@example.com");
    expect(body.Destination).toEqual({
      ToAddresses: ["ada@example.org"],
      CcAddresses: ["cc@example.org"],
      BccAddresses: ["hidden@example.org"],
    });
    expect(body.ConfigurationSetName).toBe("tracking");
    expect(body.EmailTags).toEqual([{ Name: "switchboard_message_id", Value: "msg_ses_1" }]);

    const raw = Buffer.from(body.Content.Raw.Data, "base64");
    expect(raw.toString("utf8")).not.toMatch(/^Bcc:/im);
    const mail = await simpleParser(raw);
    expect(mail.messageId).toBe("<msg_ses_1@mail.example.com>");
    expect(mail.subject).toBe("Your receipt");
    expect(mail.from?.value).toEqual([{ address: "hello@example.com", name: "Example Shop" }]);
    expect(mail.text?.trim()).toBe("Plain receipt");
    expect(mail.html).toContain("<p>HTML receipt</p>");
    expect(mail.headerLines.find((h) => h.key === "list-unsubscribe-post")?.line).toBe(
      "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    );
    expect(mail.headerLines.find((h) => h.key === "list-unsubscribe")?.line).toContain(
      "https://example.com/u/xyz",
    );
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]?.filename).toBe("receipt.txt");
    expect(mail.attachments[0]?.content.toString()).toBe("total: 10 EUR");
  });

  it("leaves ConfigurationSetName out when none is configured", async () => {
    double.respond({ status: 200, body: { MessageId: "id-2" } });
    await sesAdapter.send(ctx(double.url), { ...message, cc: undefined, bcc: undefined });
    const body = jsonOf(double.last()) as Record<string, unknown>;
    expect(body).not.toHaveProperty("ConfigurationSetName");
    expect(body.Destination).toEqual({ ToAddresses: ["ada@example.org"] });
  });

  it("429 (TooManyRequestsException) is retryable", async () => {
    double.respond({
      status: 429,
      headers: { "x-amzn-errortype": "TooManyRequestsException" },
      body: { message: "Too many requests" },
    });
    const e = await providerErrorOf(sesAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 429 });
  });

  it("5xx is retryable", async () => {
    double.respond({ status: 500, body: { message: "InternalFailure" } });
    const e = await providerErrorOf(sesAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 500 });
  });

  it("an invalid recipient (400 BadRequestException) is not retryable", async () => {
    double.respond({
      status: 400,
      headers: { "x-amzn-errortype": "BadRequestException" },
      body: { message: "Illegal address" },
    });
    const e = await providerErrorOf(sesAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: false, status: 400 });
  });

  it("an unverified identity or paused account (400) is this provider's problem: retryable", async () => {
    double.respond(
      {
        status: 400,
        headers: { "x-amzn-errortype": "MessageRejected" },
        body: {
          message:
            "Email address is not verified. The following identities failed the check: hello@example.com",
        },
      },
      { status: 400, body: { message: "SendingPausedException: sending is paused for this account" } },
    );
    expect(await providerErrorOf(sesAdapter.send(ctx(double.url), message))).toMatchObject({
      retryable: true,
    });
    expect(await providerErrorOf(sesAdapter.send(ctx(double.url), message))).toMatchObject({
      retryable: true,
    });
  });

  it("connection refused is retryable", async () => {
    const e = await providerErrorOf(sesAdapter.send(ctx(await closedPortUrl()), message));
    expect(e.retryable).toBe(true);
  });

  it("validates config and credentials", () => {
    expect(sesAdapter.configSchema.safeParse({}).error?.issues).toEqual([
      expect.objectContaining({ path: ["region"], message: "is required" }),
    ]);
    expect(sesAdapter.configSchema.safeParse({ region: "eu-west-1/evil" }).success).toBe(false);
    expect(sesAdapter.configSchema.parse({ region: "us-east-1", configuration_set: "" })).toEqual({
      region: "us-east-1",
    });
    // topic_arns: a list, or the form's text separated by commas or new lines; only SNS topic ARNs.
    const topic = "arn:aws:sns:eu-west-1:123456789012:ses-events";
    const fifo = "arn:aws-cn:sns:cn-north-1:123456789012:events.fifo";
    expect(sesAdapter.configSchema.parse({ region: "us-east-1", topic_arns: [topic] }).topic_arns).toEqual([
      topic,
    ]);
    expect(
      sesAdapter.configSchema.parse({ region: "us-east-1", topic_arns: ` ${topic},\n${fifo}\n${topic}` })
        .topic_arns,
    ).toEqual([topic, fifo]);
    expect(sesAdapter.configSchema.parse({ region: "us-east-1", topic_arns: "" }).topic_arns).toBeUndefined();
    const badArn = sesAdapter.configSchema.safeParse({
      region: "us-east-1",
      topic_arns: [topic, "arn:aws:sqs:eu-west-1:123456789012:queue"],
    });
    expect(badArn.error?.issues.map((i) => i.path.join("."))).toEqual(["topic_arns.1"]);
    expect(sesAdapter.configSchema.safeParse({ region: "us-east-1", topic_arns: "*" }).success).toBe(false);
    const bad = sesAdapter.credentialsSchema.safeParse({ access_key_id: " " });
    expect(bad.error?.issues.map((i) => i.path[0])).toEqual(["access_key_id", "secret_access_key"]);
  });
});

function sigV4Keys() {
  return { accessKeyId: credentials.access_key_id, secretAccessKey: credentials.secret_access_key };
}
