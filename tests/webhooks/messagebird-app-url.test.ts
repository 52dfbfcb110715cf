import { createHash, createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as route from "@/app/api/webhooks/messagebird/[providerId]/route";
import { type HttpDouble, startHttpDouble } from "../providers/http-double";
import { hit, messageRow, nowSeconds, orgWithProvider, sendThrough, webhookEventCount } from "./helpers";

// Behind a proxy the request arrives on an internal URL, but MessageBird
// signed the public one: with APP_URL set, url_hash is checked against
// APP_URL + path + query. (Set before anything reads the configuration.)
const APP_URL = "https://switchboard.example.com";
process.env.APP_URL = APP_URL;

const SIGNING_KEY = "mb-signing-key-app-url";
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

function jwt(url: string) {
  const now = nowSeconds();
  const head = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
  const claims = {
    iss: "MessageBird",
    nbf: now,
    iat: now,
    exp: now + 60,
    jti: randomUUID(),
    url_hash: sha256(url),
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return `${head}.${payload}.${createHmac("sha256", SIGNING_KEY).update(`${head}.${payload}`).digest("base64url")}`;
}

let double: HttpDouble;
beforeAll(async () => {
  double = await startHttpDouble(() => ({ status: 201, body: { id: randomUUID().replaceAll("-", "") } }));
});
afterAll(() => double.close());

describe("MessageBird url_hash with APP_URL", () => {
  it("checks the public URL (APP_URL + path + query), not the one the request arrived on", async () => {
    const { providerId, orgId, key } = await orgWithProvider({
      type: "messagebird",
      sender: { phone: "+12025550100" },
      config: { base_url: double.url },
      credentials: { access_key: "k", signing_key: SIGNING_KEY },
    });
    const message = await sendThrough("sms", key, "+12025550111");
    const pathAndQuery = `/api/webhooks/messagebird/${providerId}?${new URLSearchParams({
      id: message.providerMessageId ?? "",
      reference: message.id,
      status: "delivered",
    })}`;
    const internal = `http://10.0.0.7:3000${pathAndQuery}`;
    const refused = await hit(route.GET, providerId, {
      method: "GET",
      url: internal,
      headers: { "messagebird-signature-jwt": jwt(internal) },
    });
    expect(refused.status).toBe(401);
    expect(await webhookEventCount(orgId)).toBe(0);
    const accepted = await hit(route.GET, providerId, {
      method: "GET",
      url: internal,
      headers: { "messagebird-signature-jwt": jwt(`${APP_URL}${pathAndQuery}`) },
    });
    expect(accepted.status).toBe(200);
    expect((await messageRow(message.id)).status).toBe("delivered");
  });
});
