import { createHash, createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as route from "@/app/api/webhooks/messagebird/[providerId]/route";
import { verifyMessagebirdJwt } from "@/lib/providers/sms/messagebird-webhook";
import { type HttpDouble, startHttpDouble } from "../providers/http-double";
import {
  eventCount,
  hit,
  inboundMessages,
  messageRow,
  nowSeconds,
  orgWithProvider,
  sendAgain,
  sendThrough,
  webhookEventCount,
  webhookUrl,
} from "./helpers";

// MessageBird-Signature-JWT, made here as MessageBird documents it: HS256
// under the signing key, iss "MessageBird", nbf/iat/exp, a jti, url_hash =
// SHA-256 of the URL called, payload_hash = SHA-256 of the body (if any).

const SIGNING_KEY = "mb-signing-key-0123456789abcdef";
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

function jwt(
  url: string,
  body: string,
  opts: { key?: string; claims?: Record<string, unknown>; alg?: string; drop?: string[] } = {},
) {
  const now = nowSeconds();
  const claims: Record<string, unknown> = {
    iss: "MessageBird",
    nbf: now,
    iat: now,
    exp: now + 60,
    jti: randomUUID(),
    url_hash: sha256(url),
    ...(body ? { payload_hash: sha256(body) } : {}),
    ...opts.claims,
  };
  for (const k of opts.drop ?? []) delete claims[k];
  const head = b64url({ alg: opts.alg ?? "HS256", typ: "JWT" });
  const payload = b64url(claims);
  const alg = { HS256: "sha256", HS512: "sha512" }[opts.alg ?? "HS256"] ?? "sha256";
  const signature = createHmac(alg, opts.key ?? SIGNING_KEY)
    .update(`${head}.${payload}`)
    .digest("base64url");
  return `${head}.${payload}.${signature}`;
}

let double: HttpDouble;
beforeAll(async () => {
  double = await startHttpDouble(() => ({
    status: 201,
    body: { id: randomUUID().replaceAll("-", ""), recipients: { totalCount: 1, totalSentCount: 1 } },
  }));
});
afterAll(() => double.close());

let n = 0;
async function setup() {
  const ctx = await orgWithProvider({
    type: "messagebird",
    sender: { phone: "+12025550100" },
    config: { base_url: double.url },
    credentials: { access_key: "live_access_key", signing_key: SIGNING_KEY },
  });
  const to = `+1202555${String(1000 + (++n % 9000)).padStart(4, "0")}`;
  const message = await sendThrough("sms", ctx.key, to);
  return { ...ctx, to, message };
}

function reportQuery(
  m: { id: string; providerMessageId: string | null; to: string },
  status: string,
  extra: Record<string, string> = {},
) {
  return `?${new URLSearchParams({
    id: m.providerMessageId ?? "",
    reference: m.id,
    recipient: m.to.slice(1),
    status,
    statusReason: status === "delivered" ? "successfully delivered" : "unknown subscriber",
    statusErrorCode: status === "delivered" ? "" : "1",
    statusDatetime: new Date().toISOString(),
    mccmnc: "310260",
    "price[amount]": "0.075",
    "price[currency]": "EUR",
    messagePartCount: "1",
    ...extra,
  })}`;
}

/** A status report by GET (MessageBird's default), signed over the URL. */
function getReport(
  providerId: string,
  query: string,
  opts: Parameters<typeof jwt>[2] = {},
  tamper = (u: string) => u,
) {
  const url = webhookUrl("messagebird", providerId, query);
  return hit(route.GET, providerId, {
    method: "GET",
    url: tamper(url),
    headers: { "messagebird-signature-jwt": jwt(url, "", opts) },
  });
}

function postJson(
  providerId: string,
  payload: unknown,
  opts: Parameters<typeof jwt>[2] = {},
  tamper = (b: string) => b,
) {
  const url = webhookUrl("messagebird", providerId);
  const body = JSON.stringify(payload);
  return hit(route.POST, providerId, {
    url,
    headers: { "content-type": "application/json", "messagebird-signature-jwt": jwt(url, body, opts) },
    body: tamper(body),
  });
}

describe("MessageBird signature JWT", () => {
  it("verifies the signature, issuer, times, url_hash and payload_hash", () => {
    const url = "https://app.example.com/api/webhooks/messagebird/x?a=1";
    const body = Buffer.from('{"a":1}');
    const token = jwt(url, body.toString());
    expect(verifyMessagebirdJwt(token, SIGNING_KEY, url, body)).toBe(true);
    expect(verifyMessagebirdJwt(token, SIGNING_KEY, `${url}2`, body)).toBe(false);
    expect(verifyMessagebirdJwt(token, SIGNING_KEY, url, Buffer.from('{"a":2}'))).toBe(false);
    expect(verifyMessagebirdJwt(token, "other-key", url, body)).toBe(false);
    expect(verifyMessagebirdJwt(token, SIGNING_KEY, url, body, Date.now() + 120_000)).toBe(false);
    expect(verifyMessagebirdJwt(jwt(url, "", { alg: "HS512" }), SIGNING_KEY, url, Buffer.alloc(0))).toBe(
      true,
    );
    // An unsigned body, a missing jti, a foreign issuer, "none": all refused.
    expect(verifyMessagebirdJwt(jwt(url, ""), SIGNING_KEY, url, body)).toBe(false);
    expect(verifyMessagebirdJwt(jwt(url, "", { drop: ["jti"] }), SIGNING_KEY, url, Buffer.alloc(0))).toBe(
      false,
    );
    expect(
      verifyMessagebirdJwt(jwt(url, "", { claims: { iss: "Mallory" } }), SIGNING_KEY, url, Buffer.alloc(0)),
    ).toBe(false);
    const [, payload] = jwt(url, "").split(".");
    expect(
      verifyMessagebirdJwt(`${b64url({ alg: "none" })}.${payload}.`, SIGNING_KEY, url, Buffer.alloc(0)),
    ).toBe(false);
  });
});

describe("/api/webhooks/messagebird/{providerId}", () => {
  it("accepts a signed GET status report and moves the message, with MessageBird's price", async () => {
    const { providerId, message } = await setup();
    const res = await getReport(providerId, reportQuery(message, "delivered"));
    expect(res.status).toBe(200);
    const after = await messageRow(message.id);
    expect(after.status).toBe("delivered");
    expect(after.cost).toBeCloseTo(0.075);
    expect(after.currency).toBe("EUR");
  });

  it("answers 401 and stores nothing for a changed URL or body, another key, an expired or early token, or none", async () => {
    const { providerId, orgId, message } = await setup();
    const query = reportQuery(message, "delivered");
    const now = nowSeconds();
    const cases = [
      () => getReport(providerId, query, {}, (u) => u.replace("status=delivered", "status=expired")),
      () => getReport(providerId, query, { key: "another-signing-key" }),
      () => getReport(providerId, query, { claims: { exp: now - 10, iat: now - 70, nbf: now - 70 } }),
      () => getReport(providerId, query, { claims: { nbf: now + 60 } }),
      () => getReport(providerId, query, { drop: ["url_hash"] }),
      () =>
        postJson(providerId, { id: message.providerMessageId, status: "delivered" }, {}, (b) =>
          b.replace("delivered", "expired"),
        ),
      () => hit(route.GET, providerId, { method: "GET", url: webhookUrl("messagebird", providerId, query) }),
      () =>
        hit(route.GET, providerId, {
          method: "GET",
          url: webhookUrl("messagebird", providerId, query),
          headers: { "messagebird-signature-jwt": "a.b.c" },
        }),
    ];
    for (const c of cases) {
      const res = await c();
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe("invalid_signature");
    }
    expect(await webhookEventCount(orgId)).toBe(0);
    expect((await messageRow(message.id)).status).toBe("sent");
  });

  it("stores a repeated report once and changes the status once; a late sent leaves it delivered", async () => {
    const { providerId, orgId, message } = await setup();
    const query = reportQuery(message, "delivered");
    expect((await getReport(providerId, query)).json).toMatchObject({ stored: 1 });
    expect((await getReport(providerId, query)).json).toMatchObject({ stored: 0, duplicates: 1 });
    await getReport(providerId, reportQuery(message, "sent"));
    expect((await messageRow(message.id)).status).toBe("delivered");
    expect(await eventCount(message.id, "delivered")).toBe(1);
    expect(await webhookEventCount(orgId)).toBe(2);
  });

  it("accepts a POSTed JSON report; delivery_failed fails and expired is undelivered", async () => {
    const a = await setup();
    const res = await postJson(a.providerId, {
      id: a.message.providerMessageId,
      reference: a.message.id,
      recipient: a.to.slice(1),
      status: "delivery_failed",
      statusReason: "unknown subscriber",
      statusErrorCode: 1,
      price: { amount: 0.075, currency: "EUR" },
    });
    expect(res.status).toBe(200);
    const after = await messageRow(a.message.id);
    expect(after.status).toBe("failed");
    expect(after.error).toContain("unknown subscriber");
    const b = await setup();
    await getReport(b.providerId, reportQuery(b.message, "expired"));
    expect((await messageRow(b.message.id)).status).toBe("undelivered");
  });

  it("an inbound STOP opts the sender out (next send 422), START opts back in", async () => {
    const { providerId, orgId, key } = await setup();
    const stop = {
      id: randomUUID(),
      originator: "12025550188",
      recipient: "12025550100",
      body: "STOP",
      createdDatetime: new Date().toISOString(),
    };
    const res = await postJson(providerId, stop);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ keyword: "stop", duplicate: false });
    expect((await postJson(providerId, stop)).json).toMatchObject({ duplicate: true });
    const refused = await sendAgain("sms", key, "+12025550188");
    expect(refused.status).toBe(422);
    expect(refused.json.error.code).toBe("opted_out");
    await postJson(providerId, { ...stop, id: randomUUID(), body: "start" });
    expect((await sendAgain("sms", key, "+12025550188")).status).toBe(202);
    expect((await inboundMessages(orgId)).map((m) => m.from)).toEqual(["+12025550188", "+12025550188"]);
  });

  it("answers 404 for an unknown provider and 400 for signed nonsense", async () => {
    const { providerId, orgId } = await setup();
    expect((await postJson(randomUUID(), { id: "x", status: "delivered" })).status).toBe(404);
    expect((await postJson(providerId, { status: "delivered" })).status).toBe(400);
    expect((await postJson(providerId, { originator: "123" })).status).toBe(400);
    expect((await postJson(providerId, [1, 2])).status).toBe(400);
    expect(await webhookEventCount(orgId)).toBe(0);
  });
});
