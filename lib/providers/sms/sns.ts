import { AwsClient } from "aws4fetch";
import { z } from "zod";
import { type ErrorReader, joinUrl, providerFetch } from "../http";
import type { SmsAdapter } from "../types";

const required = () =>
  z.string({ error: "is required" }).trim().min(1, { error: "is required", abort: true });
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());
const baseUrl = optional(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }));

export const snsConfigSchema = z.object({
  region: required().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "must be an AWS region such as us-east-1"),
  base_url: baseUrl,
});
export const snsCredentialsSchema = z.object({
  access_key_id: required(),
  secret_access_key: required(),
});

export type SnsConfig = z.infer<typeof snsConfigSchema>;
export type SnsCredentials = z.infer<typeof snsCredentialsSchema>;

/** Error codes AWS answers with HTTP 400 that are about load or this account, not the message. */
const RETRYABLE_CODES = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestExpired",
  "KMSThrottling",
]);

/** Amazon SNS Publish (query API, SigV4) straight to a phone number. SMS only. */
export const snsAdapter: SmsAdapter<SnsConfig, SnsCredentials> = {
  channel: "sms",
  label: "Amazon SNS",
  supportsMms: false,
  configSchema: snsConfigSchema,
  credentialsSchema: snsCredentialsSchema,
  async send(ctx, message) {
    const { region } = ctx.config;
    const url = joinUrl(ctx.config.base_url ?? `https://sns.${region}.amazonaws.com`, "/");
    const form = new URLSearchParams({
      Action: "Publish",
      Version: "2010-03-31",
      PhoneNumber: message.to,
      Message: message.body,
    });
    const attributes: [string, string][] = [["AWS.SNS.SMS.SMSType", "Transactional"]];
    const from = message.from ?? ctx.sender.phone ?? ctx.sender.sender_id;
    if (from) {
      // A phone number is an origination number; anything else an alphanumeric sender ID.
      attributes.push([
        /^\+?\d+$/.test(from) ? "AWS.MM.SMS.OriginationNumber" : "AWS.SNS.SMS.SenderID",
        from,
      ]);
    }
    attributes.forEach(([name, value], i) => {
      const prefix = `MessageAttributes.entry.${i + 1}`;
      form.set(`${prefix}.Name`, name);
      form.set(`${prefix}.Value.DataType`, "String");
      form.set(`${prefix}.Value.StringValue`, value);
    });
    const body = form.toString();
    const aws = new AwsClient({
      accessKeyId: ctx.credentials.access_key_id,
      secretAccessKey: ctx.credentials.secret_access_key,
      service: "sns",
      region,
      retries: 0,
    });
    const signed = await aws.sign(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      body,
    });
    const res = await providerFetch(url, {
      method: "POST",
      headers: signed.headers,
      body,
      signal: ctx.signal,
      readError,
    });
    const id = /<MessageId>([^<]+)<\/MessageId>/.exec(res.text)?.[1]?.trim() ?? null;
    const requestId = /<RequestId>([^<]+)<\/RequestId>/.exec(res.text)?.[1]?.trim();
    return { providerMessageId: id, response: { status: res.status, message_id: id, request_id: requestId } };
  },
};

/** SNS errors are XML: `<ErrorResponse><Error><Type/><Code/><Message/></Error>…`. */
const readError: ErrorReader = ({ text }) => {
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1]?.trim();
  return { code, retryable: code !== undefined && RETRYABLE_CODES.has(code) };
};
