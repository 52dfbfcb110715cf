import { type KeyObject, randomUUID, sign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as route from "@/app/api/webhooks/ses/[providerId]/route";
import { trustedSnsUrl } from "@/lib/providers/email/ses-webhook";
import { uniq } from "../factories";
import { type HttpDouble, startHttpDouble } from "../providers/http-double";
import {
  eventCount,
  hit,
  messageRow,
  orgWithProvider,
  sendAgain,
  sendThrough,
  suppressionOf,
  webhookEventCount,
  webhookUrl,
} from "./helpers";
import { selfSignedCertificate } from "./self-signed";

// SNS signs with the key of the certificate at SigningCertURL. Here the
// certificate is served by the same local double that stands in for the SES
// API: the provider's base_url names that origin, which is the one non-Amazon
// origin the verifier will fetch from.

const signer = selfSignedCertificate("sns.test-double.switchboard.local");
const stranger = selfSignedCertificate("sns.stranger.example");
const CERT_PATH = "/SimpleNotificationService-0123456789abcdef.pem";
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:ses-events";
/** Another AWS account's topic: SNS signs its messages just as validly. */
const FOREIGN_TOPIC = "arn:aws:sns:eu-west-1:999999999999:ses-events";

let double: HttpDouble;
let strangerDouble: HttpDouble;
beforeAll(async () => {
  double = await startHttpDouble((req) => {
    if (req.method === "GET" && req.path === CERT_PATH) return { status: 200, body: signer.pem };
    if (req.method === "GET" && req.path === "/confirm")
      return { status: 200, body: "<ConfirmSubscriptionResponse/>" };
    return { status: 200, body: { MessageId: `0102019a-${randomUUID()}-000000` } };
  });
  strangerDouble = await startHttpDouble({ status: 200, body: stranger.pem });
});
afterAll(async () => {
  await double.close();
  await strangerDouble.close();
});

/** The string SNS signs, written from AWS's documentation independently of the code under test. */
function canonical(m: Record<string, string | undefined>): string {
  const fields =
    m.Type === "Notification"
      ? ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
      : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
  return fields
    .filter((f) => m[f] !== undefined)
    .map((f) => `${f}\n${m[f]}\n`)
    .join("");
}

function snsMessage(
  fields: Record<string, string | undefined>,
  opts: { version?: "1" | "2"; key?: KeyObject; certUrl?: string } = {},
): Record<string, string | undefined> {
  const version = opts.version ?? "1";
  const m: Record<string, string | undefined> = {
    MessageId: randomUUID(),
    TopicArn: TOPIC,
    Timestamp: new Date().toISOString(),
    ...fields,
  };
  const signature = sign(
    version === "1" ? "sha1" : "sha256",
    Buffer.from(canonical(m)),
    opts.key ?? signer.privateKey,
  );
  return {
    ...m,
    SignatureVersion: version,
    Signature: signature.toString("base64"),
    SigningCertURL: opts.certUrl ?? `${double.url}${CERT_PATH}`,
    UnsubscribeURL: `${double.url}/unsubscribe`,
  };
}

function notification(sesEvent: unknown, opts?: Parameters<typeof snsMessage>[1]) {
  return snsMessage({ Type: "Notification", Message: JSON.stringify(sesEvent) }, opts);
}

async function setup(topicArns: string[] | null = [TOPIC]) {
  const ctx = await orgWithProvider({
    type: "ses",
    sender: { email: "hello@example.com" },
    config: { region: "eu-west-1", base_url: double.url, ...(topicArns ? { topic_arns: topicArns } : {}) },
    credentials: {
      access_key_id: "AKIDEXAMPLE",
      secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    },
  });
  const to = `${uniq("rcpt")}@example.org`;
  const message = await sendThrough("email", ctx.key, to);
  return { ...ctx, to, message };
}

/** An SES event-publishing record for our message (tags echo our id; mail.messageId is SES's MessageId). */
function sesEvent(
  m: { id: string; providerMessageId: string | null },
  to: string,
  eventType: string,
  extra = {},
) {
  return {
    eventType,
    mail: {
      timestamp: new Date().toISOString(),
      source: "hello@example.com",
      messageId: m.providerMessageId,
      destination: [to],
      tags: { switchboard_message_id: [m.id], "ses:configuration-set": ["tracking"] },
    },
    ...extra,
  };
}

const post = (providerId: string, message: unknown) =>
  hit(route.POST, providerId, {
    url: webhookUrl("ses", providerId),
    headers: { "content-type": "text/plain; charset=UTF-8", "x-amz-sns-message-type": "Notification" },
    body: JSON.stringify(message),
  });

describe("SNS certificate URLs", () => {
  const provider = { base_url: "http://127.0.0.1:4566" };
  const bare = {};
  it("trusts only https SNS hosts, or the provider's configured base_url origin", () => {
    const pem = "/SimpleNotificationService-abc.pem";
    expect(trustedSnsUrl(bare, `https://sns.us-east-1.amazonaws.com${pem}`, "certificate")).not.toBeNull();
    expect(
      trustedSnsUrl(bare, `https://sns.cn-north-1.amazonaws.com.cn${pem}`, "certificate"),
    ).not.toBeNull();
    expect(trustedSnsUrl(provider, `http://127.0.0.1:4566${pem}`, "certificate")).not.toBeNull();
    for (const url of [
      `http://sns.us-east-1.amazonaws.com${pem}`,
      `https://sns.us-east-1.amazonaws.com.evil.example${pem}`,
      `https://evil.example/sns.us-east-1.amazonaws.com${pem}`,
      `https://sns.us-east-1.amazonaws.com:8443${pem}`,
      `https://user@sns.us-east-1.amazonaws.com${pem}`,
      "https://sns.us-east-1.amazonaws.com/not-a-certificate",
      `https://s3.amazonaws.com${pem}`,
      `http://127.0.0.1:4567${pem}`,
      "not a url",
    ]) {
      expect(trustedSnsUrl(provider, url, "certificate"), url).toBeNull();
    }
    expect(trustedSnsUrl(bare, `http://127.0.0.1:4566${pem}`, "certificate")).toBeNull();
  });
});

describe("POST /api/webhooks/ses/{providerId}", () => {
  it("confirms a subscription by visiting SubscribeURL, and stores the confirmation once", async () => {
    const { providerId, orgId } = await setup();
    double.reset();
    const confirm = snsMessage({
      Type: "SubscriptionConfirmation",
      Message: `You have chosen to subscribe to the topic ${TOPIC}.`,
      Token: "2336412f37fb687f5d51e6e2425c464de12884ea",
      SubscribeURL: `${double.url}/confirm?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=2336412f`,
    });
    const res = await post(providerId, confirm);
    expect(res.status).toBe(200);
    expect(res.json.type).toBe("SubscriptionConfirmation");
    expect(double.requests.filter((r) => r.path === "/confirm")).toHaveLength(1);
    expect(await webhookEventCount(orgId)).toBe(1);
    const again = await post(providerId, confirm);
    expect(again.json).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await webhookEventCount(orgId)).toBe(1);
  });

  it("refuses a SubscribeURL on any other host (signature valid) without visiting it", async () => {
    const { providerId, orgId } = await setup();
    strangerDouble.reset();
    const confirm = snsMessage({
      Type: "SubscriptionConfirmation",
      Message: "subscribe",
      Token: "tok",
      SubscribeURL: `${strangerDouble.url}/confirm?Token=tok`,
    });
    const res = await post(providerId, confirm);
    expect(res.status).toBe(400);
    expect(strangerDouble.requests).toHaveLength(0);
    expect(await webhookEventCount(orgId)).toBe(0);
  });

  it("applies Send and Delivery notifications (SignatureVersion 1 and 2), once each", async () => {
    const { providerId, orgId, message, to } = await setup();
    const delivered = notification(
      sesEvent(message, to, "Delivery", {
        delivery: { timestamp: new Date().toISOString(), smtpResponse: "250 ok" },
      }),
      { version: "2" },
    );
    const first = await post(providerId, delivered);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ stored: 1, duplicates: 0 });
    const again = await post(providerId, delivered);
    expect(again.json).toMatchObject({ stored: 0, duplicates: 1 });
    // Out of order: a Send after the Delivery changes nothing.
    await post(providerId, notification(sesEvent(message, to, "Send", { send: {} }), { version: "1" }));
    const after = await messageRow(message.id);
    expect(after.status).toBe("delivered");
    expect(await eventCount(message.id, "delivered")).toBe(1);
    expect(await webhookEventCount(orgId)).toBe(2);
  });

  it("a permanent bounce suppresses every bounced recipient, and the next send is refused", async () => {
    const { providerId, orgId, key, message, to } = await setup();
    const bounce = {
      bounceType: "Permanent",
      bounceSubType: "General",
      bouncedRecipients: [
        {
          emailAddress: to,
          action: "failed",
          status: "5.1.1",
          diagnosticCode: "smtp; 550 5.1.1 user unknown",
        },
        { emailAddress: "Other@Example.org", action: "failed", status: "5.1.1" },
      ],
      timestamp: new Date().toISOString(),
    };
    const res = await post(providerId, notification(sesEvent(message, to, "Bounce", { bounce })));
    expect(res.status).toBe(200);
    const after = await messageRow(message.id);
    expect(after.status).toBe("bounced");
    expect(after.error).toContain("550 5.1.1");
    expect(await suppressionOf(orgId, to)).toMatchObject({ reason: "hard_bounce" });
    expect(await suppressionOf(orgId, "other@example.org")).toMatchObject({ reason: "hard_bounce" });
    const again = await sendAgain("email", key, to);
    expect(again.status).toBe(422);
    expect(again.json.error.code).toBe("suppressed");
  });

  it("a transient bounce is only a deferral; a complaint (identity notification) suppresses", async () => {
    const { providerId, orgId, message, to } = await setup();
    const transient = {
      bounceType: "Transient",
      bounceSubType: "MailboxFull",
      bouncedRecipients: [{ emailAddress: to }],
    };
    await post(providerId, notification(sesEvent(message, to, "Bounce", { bounce: transient })));
    expect((await messageRow(message.id)).status).toBe("sent");
    expect(await eventCount(message.id, "deferred")).toBe(1);
    expect(await suppressionOf(orgId, to)).toBeNull();
    const complaint = {
      notificationType: "Complaint",
      mail: { messageId: message.providerMessageId, destination: [to] },
      complaint: { complainedRecipients: [{ emailAddress: to }], complaintFeedbackType: "abuse" },
    };
    await post(providerId, notification(complaint));
    expect(await suppressionOf(orgId, to)).toMatchObject({ reason: "complaint" });
    expect(await eventCount(message.id, "complained")).toBe(1);
  });

  it("records opens, clicks and delays; Reject fails the message", async () => {
    const { providerId, message, to } = await setup();
    await post(
      providerId,
      notification(sesEvent(message, to, "Open", { open: { ipAddress: "192.0.2.1", userAgent: "Mail" } })),
    );
    await post(
      providerId,
      notification(sesEvent(message, to, "Click", { click: { link: "https://example.com/x" } })),
    );
    await post(
      providerId,
      notification(sesEvent(message, to, "DeliveryDelay", { deliveryDelay: { delayType: "MailboxFull" } })),
    );
    await post(
      providerId,
      notification(sesEvent(message, to, "Reject", { reject: { reason: "Bad content" } })),
    );
    expect(await eventCount(message.id, "opened")).toBe(1);
    expect(await eventCount(message.id, "clicked")).toBe(1);
    expect(await eventCount(message.id, "deferred")).toBe(1);
    const after = await messageRow(message.id);
    expect(after.status).toBe("failed");
    expect(after.error).toContain("Bad content");
  });

  it("answers 401 and stores nothing for a tampered message, another key, an untrusted certificate or no signature", async () => {
    const { providerId, orgId, message, to } = await setup();
    strangerDouble.reset();
    const good = notification(sesEvent(message, to, "Delivery"));
    const cases: unknown[] = [
      { ...good, Message: good.Message?.replace("Delivery", "Bounce") },
      { ...good, TopicArn: "arn:aws:sns:eu-west-1:123456789012:other" },
      notification(sesEvent(message, to, "Delivery"), { key: stranger.privateKey }),
      notification(sesEvent(message, to, "Delivery"), {
        key: stranger.privateKey,
        certUrl: `${strangerDouble.url}${CERT_PATH}`,
      }),
      notification(sesEvent(message, to, "Delivery"), {
        certUrl: "https://sns.eu-west-1.amazonaws.com.evil.example/x.pem",
      }),
      { ...good, SignatureVersion: "2" },
      { ...good, Signature: undefined },
      { ...good, Signature: "!!!" },
    ];
    for (const c of cases) {
      const res = await post(providerId, c);
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe("invalid_signature");
    }
    expect(strangerDouble.requests).toHaveLength(0);
    expect(await webhookEventCount(orgId)).toBe(0);
    expect((await messageRow(message.id)).status).toBe("sent");
  });

  it("refuses a validly signed notification of a foreign topic: 401, nothing stored, message unchanged", async () => {
    const { providerId, orgId, message, to } = await setup();
    const foreign = snsMessage({
      Type: "Notification",
      TopicArn: FOREIGN_TOPIC,
      Message: JSON.stringify(sesEvent(message, to, "Bounce", { bounce: { bounceType: "Permanent" } })),
    });
    const res = await post(providerId, foreign);
    expect(res.status).toBe(401);
    expect(res.json.error).toMatchObject({ code: "topic_not_allowed" });
    expect(await webhookEventCount(orgId)).toBe(0);
    expect((await messageRow(message.id)).status).toBe("sent");
    // The same event on the provider's own topic is applied.
    const own = await post(
      providerId,
      snsMessage({ Type: "Notification", TopicArn: TOPIC, Message: foreign.Message }),
    );
    expect(own.status).toBe(200);
    expect(own.json.stored).toBe(1);
    expect((await messageRow(message.id)).status).toBe("bounced");
  });

  it("never confirms a subscription to a foreign topic: 401, SubscribeURL not visited, nothing stored", async () => {
    const { providerId, orgId } = await setup();
    double.reset();
    const confirm = snsMessage({
      Type: "SubscriptionConfirmation",
      TopicArn: FOREIGN_TOPIC,
      Message: `You have chosen to subscribe to the topic ${FOREIGN_TOPIC}.`,
      Token: "2336412f37fb687f5d51e6e2425c464de12884eb",
      SubscribeURL: `${double.url}/confirm?Action=ConfirmSubscription&TopicArn=${FOREIGN_TOPIC}&Token=x`,
    });
    const res = await post(providerId, confirm);
    expect(res.status).toBe(401);
    expect(double.requests.filter((r) => r.path === "/confirm")).toHaveLength(0);
    expect(await webhookEventCount(orgId)).toBe(0);
  });

  it("a provider without topic_arns accepts no SNS message and says why", async () => {
    const { providerId, orgId } = await setup(null);
    double.reset();
    const confirm = snsMessage({
      Type: "SubscriptionConfirmation",
      Message: "subscribe",
      Token: "tok",
      SubscribeURL: `${double.url}/confirm?Token=tok`,
    });
    const res = await post(providerId, confirm);
    expect(res.status).toBe(401);
    expect(res.json.error.message).toContain("no SNS topic ARNs configured");
    expect(double.requests.filter((r) => r.path === "/confirm")).toHaveLength(0);
    const note = await post(providerId, notification({ eventType: "Delivery" }));
    expect(note.status).toBe(401);
    expect(await webhookEventCount(orgId)).toBe(0);
  });

  it("answers 404 for an unknown provider and 400 for a body that is not an SNS message", async () => {
    const { providerId } = await setup();
    const unknown = await post(randomUUID(), notification({ eventType: "Delivery" }));
    expect(unknown.status).toBe(404);
    for (const body of ["not json", "[]", "null", '"x"']) {
      const res = await hit(route.POST, providerId, { url: webhookUrl("ses", providerId), body });
      expect(res.status, body).toBe(400);
    }
  });
});
