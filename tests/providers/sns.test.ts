import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type SnsConfig, type SnsCredentials, snsAdapter } from "@/lib/providers/sms/sns";
import type { AdapterContext, SmsMessage } from "@/lib/providers/types";
import {
  closedPortUrl,
  formOf,
  type HttpDouble,
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

const credentials: SnsCredentials = { access_key_id: "AKIDSNS", secret_access_key: "sns-secret-key" };
const ctx = (base_url: string, sender: AdapterContext<SnsConfig, SnsCredentials>["sender"] = {}) => ({
  config: { region: "us-east-1", base_url },
  credentials,
  sender,
});

const message: SmsMessage = { id: "msg_sns_1", to: "+14155552671", body: "Your code is 123456" };

const published = {
  status: 200,
  headers: { "content-type": "text/xml" },
  body: `<PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
  <PublishResult>
    <MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId>
  </PublishResult>
  <ResponseMetadata>
    <RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId>
  </ResponseMetadata>
</PublishResponse>`,
};

const snsError = (status: number, code: string, text: string) => ({
  status,
  headers: { "content-type": "text/xml" },
  body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <Error>
    <Type>Sender</Type>
    <Code>${code}</Code>
    <Message>${text}</Message>
  </Error>
  <RequestId>9dd01905-5012-5f99-8663-4b3ecd0dfaef</RequestId>
</ErrorResponse>`,
});

describe("SNS adapter", () => {
  it("publishes to the phone number with a SigV4-signed form and reads the XML MessageId", async () => {
    double.respond(published);
    const result = await snsAdapter.send(ctx(double.url, { sender_id: "ACME" }), message);

    expect(result.providerMessageId).toBe("567910cd-659e-55d4-8ccb-5aaf14679dc0");
    const req = double.last();
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/");
    expect(req.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(req.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDSNS\/\d{8}\/us-east-1\/sns\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    verifySigV4(req, {
      accessKeyId: "AKIDSNS",
      secretAccessKey: "sns-secret-key",
      region: "us-east-1",
      service: "sns",
    });
    expect(Object.fromEntries(formOf(req))).toEqual({
      Action: "Publish",
      Version: "2010-03-31",
      PhoneNumber: "+14155552671",
      Message: "Your code is 123456",
      "MessageAttributes.entry.1.Name": "AWS.SNS.SMS.SMSType",
      "MessageAttributes.entry.1.Value.DataType": "String",
      "MessageAttributes.entry.1.Value.StringValue": "Transactional",
      "MessageAttributes.entry.2.Name": "AWS.SNS.SMS.SenderID",
      "MessageAttributes.entry.2.Value.DataType": "String",
      "MessageAttributes.entry.2.Value.StringValue": "ACME",
    });
    expect(JSON.stringify(result.response)).not.toContain("sns-secret-key");
  });

  it("sends a phone-number sender as the origination number, and no sender attribute without one", async () => {
    double.respond(published, published);
    await snsAdapter.send(ctx(double.url, { phone: "+18005550100" }), message);
    const form = formOf(double.last());
    expect(form.get("MessageAttributes.entry.2.Name")).toBe("AWS.MM.SMS.OriginationNumber");
    expect(form.get("MessageAttributes.entry.2.Value.StringValue")).toBe("+18005550100");

    await snsAdapter.send(ctx(double.url), message);
    expect(formOf(double.last()).has("MessageAttributes.entry.2.Name")).toBe(false);
  });

  it("429 is retryable", async () => {
    double.respond(snsError(429, "ThrottledException", "Rate exceeded"));
    const e = await providerErrorOf(snsAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 429 });
  });

  it("throttling answered as 400 is retryable too", async () => {
    double.respond(snsError(400, "Throttling", "Rate exceeded"));
    const e = await providerErrorOf(snsAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 400, providerCode: "Throttling" });
  });

  it("5xx is retryable", async () => {
    double.respond(snsError(500, "InternalError", "Internal error"));
    const e = await providerErrorOf(snsAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: true, status: 500, providerCode: "InternalError" });
  });

  it("an invalid phone number (400 InvalidParameter) is not retryable", async () => {
    double.respond(
      snsError(
        400,
        "InvalidParameter",
        "Invalid parameter: PhoneNumber Reason: +1415 is not valid to publish",
      ),
    );
    const e = await providerErrorOf(snsAdapter.send(ctx(double.url), message));
    expect(e).toMatchObject({ retryable: false, status: 400, providerCode: "InvalidParameter" });
  });

  it("connection refused is retryable", async () => {
    const e = await providerErrorOf(snsAdapter.send(ctx(await closedPortUrl()), message));
    expect(e.retryable).toBe(true);
  });

  it("validates config and credentials", () => {
    expect(snsAdapter.supportsMms).toBe(false);
    expect(snsAdapter.configSchema.safeParse({ region: "" }).error?.issues).toEqual([
      expect.objectContaining({ path: ["region"], message: "is required" }),
    ]);
    expect(snsAdapter.configSchema.parse({ region: "ap-southeast-2" })).toEqual({ region: "ap-southeast-2" });
    expect(snsAdapter.credentialsSchema.safeParse({ access_key_id: "a" }).error?.issues).toEqual([
      expect.objectContaining({ path: ["secret_access_key"], message: "is required" }),
    ]);
  });
});
