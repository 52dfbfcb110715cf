import { createHash, createHmac, generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { count, inArray } from "drizzle-orm";
import twilio from "twilio";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as africastalking from "@/app/api/webhooks/africastalking/[providerId]/route";
import * as mailgun from "@/app/api/webhooks/mailgun/[providerId]/route";
import * as messagebird from "@/app/api/webhooks/messagebird/[providerId]/route";
import * as sendgrid from "@/app/api/webhooks/sendgrid/[providerId]/route";
import * as ses from "@/app/api/webhooks/ses/[providerId]/route";
import * as stripe from "@/app/api/webhooks/stripe/route";
import * as twilioInboundRoute from "@/app/api/webhooks/twilio/[providerId]/inbound/route";
import * as twilioStatusRoute from "@/app/api/webhooks/twilio/[providerId]/status/route";
import * as vonage from "@/app/api/webhooks/vonage/[providerId]/route";
import { getDb } from "@/lib/db";
import { messages, webhookEvents } from "@/lib/db/schema";
import { type HttpDouble, startHttpDouble } from "../providers/http-double";
import { hit, nowSeconds, orgWithProvider, prng, webhookUrl } from "./helpers";
import { selfSignedCertificate } from "./self-signed";

// Hundreds of malformed requests per route — random bytes, truncated JSON,
// wrong types, huge and deeply nested fields, missing fields, junk headers —
// both unsigned and correctly signed (so the parsing after verification is
// exercised too). The only rule: never a 5xx.

const CASES = 200;
// A fixed seed keeps CI reproducible; FUZZ_SEED explores others (a failure names its seed).
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const rnd = prng(SEED);

const sgKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });
const sns = selfSignedCertificate("sns.fuzz.switchboard.local");
const CERT_PATH = "/SimpleNotificationService-fuzz.pem";
const MG_KEY = "key-fuzz";
const VONAGE_SECRET = "vonage-fuzz-secret";
const AT_KEY = "at-fuzz-key";
const SES_TOPIC = "arn:aws:sns:eu-west-1:123456789012:fuzz";
const MB_KEY = "mb-fuzz-key";
const TWILIO_TOKEN = "twilio-fuzz-token";
// Stripe's route answers 503 until it is configured (so Stripe retries); configured here, its parsing is fuzzed.
process.env.STRIPE_WEBHOOK_SECRET ??= "whsec_fuzz";

let double: HttpDouble;
const ids: Record<string, string> = {};
/** The fuzzed providers' organisations: rows are counted in them, as other test files may share Postgres. */
const orgIds: string[] = [];
beforeAll(async () => {
  double = await startHttpDouble((req) =>
    req.path === CERT_PATH ? { status: 200, body: sns.pem } : { status: 200, body: "<ok/>" },
  );
  const base = { config: { base_url: double.url } };
  const made = await Promise.all([
    orgWithProvider({
      type: "sendgrid",
      sender: { email: "a@example.com" },
      ...base,
      credentials: {
        api_key: "k",
        webhook_public_key: sgKeys.publicKey.export({ type: "spki", format: "der" }).toString("base64"),
      },
    }),
    orgWithProvider({
      type: "ses",
      sender: { email: "a@example.com" },
      config: { region: "eu-west-1", base_url: double.url, topic_arns: [SES_TOPIC] },
      credentials: { access_key_id: "AKID", secret_access_key: "secret" },
    }),
    orgWithProvider({
      type: "mailgun",
      sender: { email: "a@mg.example.com" },
      config: { domain: "mg.example.com", base_url: double.url },
      credentials: { api_key: "k", webhook_signing_key: MG_KEY },
    }),
    orgWithProvider({
      type: "vonage",
      sender: { phone: "+12025550100" },
      ...base,
      credentials: { api_key: "k", api_secret: "s", signature_secret: VONAGE_SECRET },
    }),
    orgWithProvider({
      type: "africastalking",
      sender: { phone: "+254711082000" },
      ...base,
      credentials: { username: "u", api_key: AT_KEY },
    }),
    orgWithProvider({
      type: "twilio",
      sender: { phone: "+12025550100" },
      ...base,
      credentials: { account_sid: `AC${"9".repeat(32)}`, auth_token: TWILIO_TOKEN },
    }),
    orgWithProvider({
      type: "messagebird",
      sender: { phone: "+12025550100" },
      ...base,
      credentials: { access_key: "k", signing_key: MB_KEY },
    }),
  ]);
  for (const [i, type] of [
    "sendgrid",
    "ses",
    "mailgun",
    "vonage",
    "africastalking",
    "twilio",
    "messagebird",
  ].entries()) {
    ids[type] = made[i]?.providerId ?? "";
    orgIds.push(made[i]?.orgId ?? "");
  }
});
afterAll(() => double.close());

// ---- generators --------------------------------------------------------------

const deep = (n: number): unknown => (n === 0 ? 1 : [deep(n - 1)]);
const WEIRD: unknown[] = [
  null,
  0,
  -1,
  1e308,
  3.14,
  true,
  "",
  " ",
  "x".repeat(120_000),
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff\ud800",
  "😀".repeat(500),
  "2026-13-45T99:99:99Z",
  "99999999999999999999",
  "-5",
  "NaN",
  "<script>",
  "../../etc/passwd",
  "%00",
  [],
  [1, "2", null],
  {},
  { nested: { deeper: [1, { x: "\u0000" }] } },
  deep(40),
  JSON.parse('{"__proto__": {"polluted": true}}'),
];

function randomString(max = 40): string {
  const alphabet = "abcXYZ019 _-.:/@+=&%?#[]{}\"'\\\u0000\u00e9\u4e2d\ud83d\ude00\ud800";
  let s = "";
  const n = rnd.int(max);
  for (let i = 0; i < n; i++) s += alphabet[rnd.int(alphabet.length)];
  return s;
}

/** Header values are bytes (latin-1): no code point above 255. */
function headerString(max = 40): string {
  return randomString(max).replace(/[^\x20-\x7e]/g, "~");
}

function randomBytes(max = 2000): Buffer {
  return Buffer.from(Array.from({ length: rnd.int(max) }, () => rnd.int(256)));
}

/** The sample with 1–3 mutations: a field removed, replaced by a weird value, or renamed. */
function mutate(sample: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(sample));
  const rounds = 1 + rnd.int(3);
  for (let r = 0; r < rounds; r++) {
    let target: unknown = copy;
    for (let depth = 0; depth < 3; depth++) {
      if (!target || typeof target !== "object") break;
      const keys = Object.keys(target);
      const key = keys[rnd.int(keys.length)];
      if (key === undefined) break;
      const rec = target as Record<string, unknown>;
      const choice = rnd.int(4);
      if (choice === 0) {
        delete rec[key];
        break;
      }
      if (choice === 1 || typeof rec[key] !== "object" || rec[key] === null) {
        // A copy: a later round must not mutate the shared WEIRD entry (it could come to contain itself).
        rec[key] = structuredClone(rnd.pick(WEIRD));
        break;
      }
      if (choice === 2) {
        rec[`${key}${randomString(3)}`] = rec[key];
        delete rec[key];
        break;
      }
      target = rec[key];
    }
  }
  return rnd.int(10) === 0 ? structuredClone(rnd.pick(WEIRD)) : copy;
}

/** A body: mutated JSON, truncated JSON, random bytes, a random form, or a huge one. */
function body(sample: unknown): string | Buffer {
  const json = JSON.stringify(mutate(sample)) ?? "null";
  switch (rnd.int(7)) {
    case 0:
      return json.slice(0, rnd.int(json.length + 1));
    case 1:
      return randomBytes();
    case 2:
      return new URLSearchParams(Object.entries(formish(sample))).toString();
    case 3:
      return Array.from({ length: rnd.int(6) }, () => `${randomString(8)}=${randomString(20)}`).join("&");
    case 4:
      return rnd.int(4) === 0 ? `[${"1,".repeat(600_000)}1]` : json;
    default:
      return json;
  }
}

/** The sample's top-level scalars as form fields, mutated. */
function formish(sample: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const m = mutate(sample);
  if (m && typeof m === "object") {
    for (const [k, v] of Object.entries(m)) out[k] = typeof v === "string" ? v : (JSON.stringify(v) ?? "");
  }
  return out;
}

function contentType(): Record<string, string> {
  return rnd.pick<Record<string, string>>([
    { "content-type": "application/json" },
    { "content-type": "application/x-www-form-urlencoded" },
    { "content-type": "text/plain" },
    { "content-type": "multipart/form-data; boundary=x" },
    {},
  ]);
}

type Handler = typeof sendgrid.POST;
let failures: string[] = [];
beforeEach(() => {
  failures = [];
});

async function expectNo5xx(
  label: string,
  handler: Handler,
  providerId: string,
  opts: Parameters<typeof hit>[2],
) {
  let status: number;
  try {
    status = (await hit(handler, providerId, opts)).status;
  } catch (e) {
    failures.push(`seed ${SEED} ${label}: threw ${(e as Error).message}`);
    return;
  }
  if (status >= 500) {
    const shown =
      typeof opts.body === "string" ? opts.body.slice(0, 200) : `<${opts.body?.length ?? 0} bytes>`;
    failures.push(
      `seed ${SEED} ${label}: ${status} for ${opts.method ?? "POST"} ${opts.url.slice(0, 200)} ${shown}`,
    );
  }
}

const sha256 = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");

// ---- samples -----------------------------------------------------------------

const sgSample = [
  {
    email: "a@example.org",
    timestamp: 1700000000,
    event: "bounce",
    type: "bounce",
    reason: "550",
    sg_event_id: "ev1",
    sg_message_id: "abc.filter",
    switchboard_message_id: randomUUID(),
  },
  { email: "a@example.org", event: "click", url: "https://x", sg_event_id: "ev2", sg_message_id: "abc" },
];
const sesSample = {
  eventType: "Bounce",
  mail: {
    messageId: "0102",
    timestamp: new Date().toISOString(),
    tags: { switchboard_message_id: [randomUUID()] },
  },
  bounce: { bounceType: "Permanent", bouncedRecipients: [{ emailAddress: "a@example.org" }] },
};
const mgSample = {
  signature: { timestamp: "1", token: "t", signature: "s" },
  "event-data": {
    id: "mg1",
    event: "failed",
    severity: "permanent",
    recipient: "a@example.org",
    timestamp: 1700000000.5,
    message: { headers: { "message-id": "x@mg" } },
    "user-variables": { switchboard_message_id: randomUUID() },
    "delivery-status": { code: 550, message: "no" },
  },
};
const vonageReceipt = {
  messageId: "ABC",
  status: "delivered",
  "client-ref": randomUUID(),
  "err-code": "0",
  price: "0.03",
  msisdn: "12025550101",
  to: "12025550100",
};
const vonageInbound = {
  msisdn: "12025550101",
  to: "12025550100",
  messageId: "IN1",
  text: "STOP",
  type: "text",
  keyword: "STOP",
};
const atReport = {
  id: "ATXid_1",
  status: "Failed",
  failureReason: "UserInBlackList",
  phoneNumber: "+254711000001",
};
const atInbound = {
  from: "+254711000001",
  to: "22384",
  text: "stop",
  id: "in1",
  date: "2026-01-01",
  linkId: "",
};
const mbReport = {
  id: "mb1",
  reference: randomUUID(),
  recipient: "12025550101",
  status: "delivered",
  statusDatetime: "2026-01-01T00:00:00Z",
  price: { amount: 0.07, currency: "EUR" },
};
const mbInbound = { originator: "12025550101", recipient: "12025550100", body: "STOP", id: "mbin1" };

// ---- the routes ----------------------------------------------------------------

describe("webhook fuzz: malformed input never answers 5xx", () => {
  it("unknown and malformed provider ids answer 404, not 5xx", async () => {
    const handlers: [string, Handler][] = [
      ["sendgrid", sendgrid.POST],
      ["ses", ses.POST],
      ["mailgun", mailgun.POST],
      ["vonage", vonage.POST],
      ["africastalking", africastalking.POST],
      ["messagebird", messagebird.POST],
    ];
    for (const [name, handler] of handlers) {
      for (const id of [
        randomUUID(),
        "not-a-uuid",
        "",
        "../../x",
        "x".repeat(5000),
        ids.sendgrid === ids[name] ? ids.ses : ids.sendgrid,
      ]) {
        const res = await hit(handler, id ?? "", { url: webhookUrl(name, "x"), body: "{}" });
        expect(res.status, `${name} ${id?.slice(0, 20)}`).toBe(404);
      }
    }
  });

  it("SendGrid", { timeout: 180_000 }, async () => {
    const id = ids.sendgrid ?? "";
    const url = webhookUrl("sendgrid", id);
    for (let i = 0; i < CASES; i++) {
      const b = body(sgSample);
      const junk = {
        "x-twilio-email-event-webhook-signature": headerString(100),
        "x-twilio-email-event-webhook-timestamp": headerString(12),
      };
      await expectNo5xx("sendgrid unsigned", sendgrid.POST, id, {
        url,
        body: b,
        headers: { ...contentType(), ...(rnd.int(2) ? junk : {}) },
      });
      const timestamp = String(nowSeconds());
      const signature = sign(
        "sha256",
        Buffer.concat([Buffer.from(timestamp), Buffer.from(b)]),
        sgKeys.privateKey,
      ).toString("base64");
      await expectNo5xx("sendgrid signed", sendgrid.POST, id, {
        url,
        body: b,
        headers: {
          "x-twilio-email-event-webhook-signature": signature,
          "x-twilio-email-event-webhook-timestamp": timestamp,
        },
      });
    }
    expect(failures).toEqual([]);
  });

  it("SES (SNS)", { timeout: 180_000 }, async () => {
    const id = ids.ses ?? "";
    const url = webhookUrl("ses", id);
    const canonical = (m: Record<string, unknown>) =>
      (m.Type === "Notification"
        ? ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
        : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
      )
        .filter((f) => m[f] !== undefined && m[f] !== null)
        .map((f) => `${f}\n${m[f]}\n`)
        .join("");
    for (let i = 0; i < CASES; i++) {
      const envelope: Record<string, unknown> = {
        Type: rnd.pick([
          "Notification",
          "Notification",
          "SubscriptionConfirmation",
          "UnsubscribeConfirmation",
          "Other",
        ]),
        MessageId: randomUUID(),
        TopicArn: rnd.int(4) ? SES_TOPIC : "arn:aws:sns:eu-west-1:1:t",
        Message: rnd.int(3) ? (JSON.stringify(mutate(sesSample)) ?? "null") : randomString(200),
        Timestamp: new Date().toISOString(),
        Token: "tok",
        SubscribeURL: rnd.pick([`${double.url}/confirm`, "https://evil.example/x", randomString(30)]),
        SignatureVersion: rnd.pick(["1", "2"]),
        SigningCertURL: `${double.url}${CERT_PATH}`,
      };
      // Unsigned or mangled: the envelope itself mutated.
      await expectNo5xx("ses unsigned", ses.POST, id, {
        url,
        body: body({ ...envelope, Signature: "AAAA" }),
        headers: contentType(),
      });
      // Signed: whatever the envelope carries passes verification, then must parse or answer 400.
      const mutated = rnd.int(3) === 0 ? (mutate(envelope) as Record<string, unknown>) : envelope;
      if (mutated && typeof mutated === "object" && !Array.isArray(mutated)) {
        const algorithm = mutated.SignatureVersion === "2" ? "sha256" : "sha1";
        let signed: string;
        try {
          signed = sign(algorithm, Buffer.from(canonical(mutated)), sns.privateKey).toString("base64");
        } catch {
          signed = "AAAA";
        }
        await expectNo5xx("ses signed", ses.POST, id, {
          url,
          body: JSON.stringify({ ...mutated, Signature: signed }),
        });
      }
    }
    expect(failures).toEqual([]);
  });

  it("Mailgun", { timeout: 180_000 }, async () => {
    const id = ids.mailgun ?? "";
    const url = webhookUrl("mailgun", id);
    for (let i = 0; i < CASES; i++) {
      await expectNo5xx("mailgun unsigned", mailgun.POST, id, {
        url,
        body: body(mgSample),
        headers: contentType(),
      });
      const timestamp = String(nowSeconds());
      const token = randomUUID();
      const signature = createHmac("sha256", MG_KEY)
        .update(timestamp + token)
        .digest("hex");
      const m = mutate(mgSample);
      const payload =
        m && typeof m === "object" && !Array.isArray(m)
          ? { ...m, signature: { timestamp, token, signature } }
          : m;
      await expectNo5xx("mailgun signed", mailgun.POST, id, {
        url,
        body: JSON.stringify(payload) ?? "null",
        headers: { "content-type": "application/json" },
      });
    }
    expect(failures).toEqual([]);
  });

  it("Vonage", { timeout: 180_000 }, async () => {
    const id = ids.vonage ?? "";
    const url = webhookUrl("vonage", id);
    const signParams = (p: Record<string, string>) => {
      const withTs = { ...p, timestamp: String(nowSeconds()) };
      const s = Object.keys(withTs)
        .sort()
        .map((k) => `&${k}=${(withTs[k as keyof typeof withTs] ?? "").replace(/[&=]/g, "_")}`)
        .join("");
      return { ...withTs, sig: createHmac("sha256", VONAGE_SECRET).update(s).digest("hex") };
    };
    for (let i = 0; i < CASES; i++) {
      const sample = rnd.int(2) ? vonageReceipt : vonageInbound;
      const method = rnd.pick(["GET", "POST"]);
      const b = body(sample);
      await expectNo5xx("vonage unsigned", vonage.POST, id, {
        url: method === "GET" ? `${url}?${new URLSearchParams(formish(sample))}` : url,
        method,
        body: method === "GET" ? undefined : b,
        headers: contentType(),
      });
      const params = signParams(formish(sample));
      const asJson = rnd.int(2) === 0;
      await expectNo5xx("vonage signed", vonage.POST, id, {
        url,
        body: asJson ? JSON.stringify(params) : new URLSearchParams(params).toString(),
        headers: { "content-type": asJson ? "application/json" : "application/x-www-form-urlencoded" },
      });
    }
    expect(failures).toEqual([]);
  });

  it("Africa's Talking", { timeout: 180_000 }, async () => {
    const id = ids.africastalking ?? "";
    const token = createHmac("sha256", AT_KEY).update(id).digest("hex");
    for (let i = 0; i < CASES; i++) {
      const sample = rnd.int(2) ? atReport : atInbound;
      await expectNo5xx("africastalking untokened", africastalking.POST, id, {
        url: webhookUrl(
          "africastalking",
          id,
          rnd.int(2) ? `?token=${encodeURIComponent(headerString(64))}` : "",
        ),
        body: body(sample),
        headers: contentType(),
      });
      // With the right token, everything is parsed: forms, JSON, bytes.
      await expectNo5xx("africastalking tokened", africastalking.POST, id, {
        url: webhookUrl("africastalking", id, `?token=${token}`),
        body: rnd.int(2) ? new URLSearchParams(formish(sample)).toString() : body(sample),
        headers: contentType(),
      });
    }
    expect(failures).toEqual([]);
  });

  it("MessageBird", { timeout: 180_000 }, async () => {
    const id = ids.messagebird ?? "";
    const jwt = (url: string, raw: string | Buffer) => {
      const now = nowSeconds();
      const head = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
      const claims = {
        iss: "MessageBird",
        nbf: now,
        iat: now,
        exp: now + 60,
        jti: randomUUID(),
        url_hash: sha256(url),
        ...(raw.length ? { payload_hash: sha256(raw) } : {}),
      };
      const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
      return `${head}.${payload}.${createHmac("sha256", MB_KEY).update(`${head}.${payload}`).digest("base64url")}`;
    };
    for (let i = 0; i < CASES; i++) {
      const sample = rnd.int(2) ? mbReport : mbInbound;
      const url = webhookUrl("messagebird", id);
      await expectNo5xx("messagebird unsigned", messagebird.POST, id, {
        url,
        body: body(sample),
        headers: {
          ...contentType(),
          ...(rnd.int(2)
            ? { "messagebird-signature-jwt": `${headerString(20)}.${headerString(20)}.${headerString(20)}` }
            : {}),
        },
      });
      if (rnd.int(2)) {
        const getUrl = `${url}?${new URLSearchParams(formish(sample))}`;
        await expectNo5xx("messagebird signed GET", messagebird.GET, id, {
          url: getUrl,
          method: "GET",
          headers: { "messagebird-signature-jwt": jwt(new URL(getUrl).toString(), "") },
        });
      } else {
        const b = body(sample);
        await expectNo5xx("messagebird signed POST", messagebird.POST, id, {
          url,
          body: b,
          headers: { ...contentType(), "messagebird-signature-jwt": jwt(url, b) },
        });
      }
    }
    expect(failures).toEqual([]);
  });
});

// ---- hostile bodies on every webhook route -------------------------------------

const TWO_MB = 2 * 1024 * 1024;
const nested = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;

/** Bodies no route may answer with a 5xx or store: NUL bytes, lone surrogates, 2 MB, deep nesting. */
const HOSTILE: { label: string; body: string | Buffer }[] = [
  {
    label: "raw NUL in JSON",
    body: '{"id":"a\u0000b","status":"Success","event":"delivered"}',
  },
  { label: "escaped NUL in JSON", body: '{"id":"a\\u0000b","status":"Success","event":"delivered"}' },
  { label: "NUL bytes", body: Buffer.from([0, 0, 0, 0x7b, 0, 0x7d]) },
  { label: "NUL in a form", body: "id=a%00b&status=Success&MessageSid=SM%00&MessageStatus=delivered" },
  { label: "escaped lone surrogate", body: '{"id":"\\ud800","status":"\\udfff","event":"\\ud800x"}' },
  {
    label: "UTF-8 encoded surrogate bytes",
    body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
  },
  { label: "surrogate in a form", body: "text=%ED%A0%80&from=%ED%B0%80&to=1" },
  { label: "2 MB of text", body: "x".repeat(TWO_MB) },
  { label: "2 MB JSON string", body: JSON.stringify({ id: "x".repeat(TWO_MB), status: "Success" }) },
  { label: "deep arrays", body: `${"[".repeat(100_000)}${"]".repeat(100_000)}` },
  { label: "deep objects", body: nested(5_000) },
  {
    label: "nested 40",
    body: JSON.stringify({ "event-data": deep(40), signature: deep(40), Type: deep(40) }),
  },
];

const CONTENT_TYPES: Record<string, string>[] = [
  { "content-type": "application/json" },
  { "content-type": "application/x-www-form-urlencoded" },
  { "content-type": "text/plain; charset=UTF-8" },
  { "content-type": "multipart/form-data; boundary=zzz" },
  { "content-type": "application/octet-stream" },
  { "content-type": "application/json; charset=utf-16" },
  { "content-type": "text/xml" },
  {},
];

async function rowCounts(): Promise<{ events: number; messages: number }> {
  const db = await getDb();
  const [e] = await db.select({ n: count() }).from(webhookEvents).where(inArray(webhookEvents.orgId, orgIds));
  const [m] = await db.select({ n: count() }).from(messages).where(inArray(messages.orgId, orgIds));
  return { events: e?.n ?? 0, messages: m?.n ?? 0 };
}

describe("webhook fuzz: hostile bodies on every route never answer 5xx and store nothing", () => {
  /** Every webhook route, with how to call it unsigned. */
  const routes = () => [
    {
      name: "twilio status",
      handler: twilioStatusRoute.POST,
      id: ids.twilio ?? "",
      url: `${webhookUrl("twilio", ids.twilio ?? "")}/status`,
    },
    {
      name: "twilio inbound",
      handler: twilioInboundRoute.POST,
      id: ids.twilio ?? "",
      url: `${webhookUrl("twilio", ids.twilio ?? "")}/inbound`,
    },
    {
      name: "sendgrid",
      handler: sendgrid.POST,
      id: ids.sendgrid ?? "",
      url: webhookUrl("sendgrid", ids.sendgrid ?? ""),
    },
    { name: "ses", handler: ses.POST, id: ids.ses ?? "", url: webhookUrl("ses", ids.ses ?? "") },
    {
      name: "mailgun",
      handler: mailgun.POST,
      id: ids.mailgun ?? "",
      url: webhookUrl("mailgun", ids.mailgun ?? ""),
    },
    {
      name: "vonage POST",
      handler: vonage.POST,
      id: ids.vonage ?? "",
      url: webhookUrl("vonage", ids.vonage ?? ""),
    },
    {
      name: "africastalking (no token)",
      handler: africastalking.POST,
      id: ids.africastalking ?? "",
      url: webhookUrl("africastalking", ids.africastalking ?? ""),
    },
    {
      name: "messagebird POST",
      handler: messagebird.POST,
      id: ids.messagebird ?? "",
      url: webhookUrl("messagebird", ids.messagebird ?? ""),
    },
    {
      name: "stripe",
      handler: (req: Request) => stripe.POST(req),
      id: "",
      url: "http://localhost/api/webhooks/stripe",
    },
  ];

  it("unsigned: NUL bytes, lone surrogates, 2 MB, deep nesting, every content type", {
    timeout: 240_000,
  }, async () => {
    const before = await rowCounts();
    for (const r of routes()) {
      for (const h of HOSTILE) {
        for (const headers of CONTENT_TYPES) {
          await expectNo5xx(`${r.name} ${h.label} ${headers["content-type"] ?? "none"}`, r.handler, r.id, {
            url: r.url,
            body: h.body,
            headers,
          });
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await rowCounts()).toEqual(before);
  });

  it("2 MB bodies are refused with 413 before verification, on every route", async () => {
    for (const r of routes()) {
      const res = await hit(r.handler, r.id, {
        url: r.url,
        body: "x".repeat(TWO_MB),
        headers: CONTENT_TYPES[0],
      });
      expect(res.status, r.name).toBe(413);
    }
  });

  it("signed: 2 MB and deeply nested bodies with valid signatures store nothing either", {
    timeout: 120_000,
  }, async () => {
    const before = await rowCounts();
    const bad: { label: string; fields: Record<string, string> }[] = [
      { label: "2 MB", fields: { MessageSid: "SM1", MessageStatus: "delivered", Pad: "x".repeat(TWO_MB) } },
      { label: "deep", fields: { MessageSid: nested(2_000), MessageStatus: "delivered" } },
    ];
    for (const { label, fields } of bad) {
      for (const endpoint of ["status", "inbound"] as const) {
        const url = `${webhookUrl("twilio", ids.twilio ?? "")}/${endpoint}`;
        const handler = endpoint === "status" ? twilioStatusRoute.POST : twilioInboundRoute.POST;
        await expectNo5xx(`twilio ${endpoint} signed ${label}`, handler, ids.twilio ?? "", {
          url,
          body: new URLSearchParams(fields).toString(),
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "x-twilio-signature": twilio.getExpectedTwilioSignature(TWILIO_TOKEN, url, fields),
          },
        });
      }
      const timestamp = String(nowSeconds());
      const token = randomUUID();
      const signature = createHmac("sha256", MG_KEY)
        .update(timestamp + token)
        .digest("hex");
      const eventData = label === "deep" ? deep(60) : { event: "delivered", id: "x".repeat(TWO_MB) };
      await expectNo5xx(`mailgun signed ${label}`, mailgun.POST, ids.mailgun ?? "", {
        url: webhookUrl("mailgun", ids.mailgun ?? ""),
        body: JSON.stringify({ signature: { timestamp, token, signature }, "event-data": eventData }),
        headers: { "content-type": "application/json" },
      });
      const sgBody =
        label === "deep"
          ? `[${nested(2_000)}]`
          : JSON.stringify([{ event: "x", pad: "x".repeat(6_000_000) }]);
      const sgTs = String(nowSeconds());
      await expectNo5xx(`sendgrid signed ${label}`, sendgrid.POST, ids.sendgrid ?? "", {
        url: webhookUrl("sendgrid", ids.sendgrid ?? ""),
        body: sgBody,
        headers: {
          "x-twilio-email-event-webhook-signature": sign(
            "sha256",
            Buffer.concat([Buffer.from(sgTs), Buffer.from(sgBody)]),
            sgKeys.privateKey,
          ).toString("base64"),
          "x-twilio-email-event-webhook-timestamp": sgTs,
        },
      });
      await expectNo5xx(`africastalking with token ${label}`, africastalking.POST, ids.africastalking ?? "", {
        url: webhookUrl(
          "africastalking",
          ids.africastalking ?? "",
          `?token=${createHmac("sha256", AT_KEY)
            .update(ids.africastalking ?? "")
            .digest("hex")}`,
        ),
        body:
          label === "deep"
            ? nested(5_000)
            : new URLSearchParams({ id: "ATX", status: "Success", pad: "x".repeat(TWO_MB) }).toString(),
        headers: {
          "content-type": label === "deep" ? "application/json" : "application/x-www-form-urlencoded",
        },
      });
    }
    expect(failures).toEqual([]);
    expect(await rowCounts()).toEqual(before);
  });

  it("signed NUL bytes and lone surrogates never answer 5xx", { timeout: 120_000 }, async () => {
    const values = ["a\u0000b", "\u0000", "\ud800", "x\udfffy"];
    for (const v of values) {
      const fields = {
        MessageSid: `SM${v}`,
        MessageStatus: v,
        From: `+1202555${v}`,
        To: "+12025550100",
        Body: v,
      };
      for (const endpoint of ["status", "inbound"] as const) {
        const url = `${webhookUrl("twilio", ids.twilio ?? "")}/${endpoint}`;
        await expectNo5xx(
          `twilio ${endpoint} signed ${JSON.stringify(v)}`,
          endpoint === "status" ? twilioStatusRoute.POST : twilioInboundRoute.POST,
          ids.twilio ?? "",
          {
            url,
            body: new URLSearchParams(fields).toString(),
            headers: {
              "content-type": "application/x-www-form-urlencoded",
              "x-twilio-signature": twilio.getExpectedTwilioSignature(TWILIO_TOKEN, url, fields),
            },
          },
        );
      }
      const timestamp = String(nowSeconds());
      const token = randomUUID();
      const signature = createHmac("sha256", MG_KEY)
        .update(timestamp + token)
        .digest("hex");
      await expectNo5xx(`mailgun signed ${JSON.stringify(v)}`, mailgun.POST, ids.mailgun ?? "", {
        url: webhookUrl("mailgun", ids.mailgun ?? ""),
        body: JSON.stringify({
          signature: { timestamp, token, signature },
          "event-data": { event: v, id: v, recipient: v },
        }),
        headers: { "content-type": "application/json" },
      });
    }
    expect(failures).toEqual([]);
  });
});
