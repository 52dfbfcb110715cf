import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as keyOne from "@/app/api/v1/api-keys/[id]/route";
import * as keys from "@/app/api/v1/api-keys/route";
import * as segments from "@/app/api/v1/sms/segments/route";
import { admissionState, admit } from "@/lib/api/admission";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { apiKeys, rateLimits } from "@/lib/db/schema";
import { forgetCachedKeys, KEY_CACHE_MS } from "@/lib/services/api-keys/keys";
import { flushApiCounts } from "@/lib/services/rate-limit";
import { call, makeKey, makeOrg } from "../factories";

const keyIdOf = async (key: string) => {
  const db = await getDb();
  const [row] = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(eq(apiKeys.prefix, key.slice(0, 11)));
  return row?.id as string;
};

describe("the API under load", () => {
  it("sheds load with 503 and Retry-After once every slot is taken and the line has waited, never a hung request", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const { apiMaxInFlight, apiQueueMs } = config();
    // Another part of this process holds every slot (a burst of slow requests).
    const held = await Promise.all(Array.from({ length: apiMaxInFlight }, () => admit()));
    expect(admissionState().in_flight).toBe(apiMaxInFlight);
    const started = Date.now();
    const shed = await call(segments.POST, { method: "POST", key, body: { text: "hi" } });
    const waited = Date.now() - started;
    expect(shed.status).toBe(503);
    expect(shed.json.error.code).toBe("overloaded");
    expect(Number(shed.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(waited).toBeGreaterThanOrEqual(apiQueueMs - 50);
    expect(waited).toBeLessThan(apiQueueMs + 2000);

    // A request in line gets the first slot given back, and is answered normally.
    const queued = call(segments.POST, { method: "POST", key, body: { text: "hi" } });
    await new Promise((r) => setTimeout(r, 20));
    expect(admissionState().waiting).toBe(1);
    held[0]?.();
    expect((await queued).status).toBe(200);
    for (const release of held.slice(1)) release();
    expect(admissionState()).toEqual({ in_flight: 0, waiting: 0 });
    expect((await call(segments.POST, { method: "POST", key, body: { text: "hi" } })).status).toBe(200);
  });

  it("counts a key's calls in the shared counter in batches, and honours what other instances counted", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const keyId = await keyIdOf(key);
    const db = await getDb();
    // Keep clear of a second boundary so every call lands in one window.
    while (Date.now() % 1000 > 600) await new Promise((r) => setTimeout(r, 20));
    const second = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 5; i++)
      expect((await call(segments.POST, { method: "POST", key, body: { text: "hi" } })).status).toBe(200);
    await flushApiCounts();
    const [row] = await db
      .select()
      .from(rateLimits)
      .where(eq(rateLimits.key, `api:${keyId}:${second}`));
    expect(row?.points).toBe(5);

    // Another instance has used the rest of this second's allowance: after the next settle, this one refuses too.
    while (Date.now() % 1000 > 600) await new Promise((r) => setTimeout(r, 20));
    const now = Math.floor(Date.now() / 1000);
    const limit = config().apiRateLimitPerSecond;
    await db
      .insert(rateLimits)
      .values({ key: `api:${keyId}:${now}`, points: limit - 1, expire: new Date((now + 2) * 1000) })
      .onConflictDoUpdate({ target: rateLimits.key, set: { points: sql`excluded.points` } });
    expect((await call(segments.POST, { method: "POST", key, body: { text: "hi" } })).status).toBe(200);
    await flushApiCounts();
    if (Math.floor(Date.now() / 1000) === now) {
      const refused = await call(segments.POST, { method: "POST", key, body: { text: "hi" } });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
  });

  it("a revoked key stops at once here and within the cache time on another instance", async () => {
    const { orgId } = await makeOrg();
    const admin = await makeKey(orgId);
    const other = await makeKey(orgId, "staff");
    expect((await call(keys.GET, { key: other })).status).toBe(403);
    // Revoked through the API of this instance: refused at once.
    const otherId = await keyIdOf(other);
    expect(
      (await call(keyOne.DELETE, { method: "DELETE", key: admin, params: { id: otherId } })).status,
    ).toBe(200);
    expect((await call(keys.GET, { key: other })).status).toBe(401);

    // Revoked by another instance (a direct row change here stands for it): this one has the key
    // cached and answers for at most KEY_CACHE_MS more, then refuses.
    const third = await makeKey(orgId, "staff");
    expect((await call(keys.GET, { key: third })).status).toBe(403);
    const db = await getDb();
    await db
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(eq(apiKeys.id, await keyIdOf(third)));
    const revokedAt = Date.now();
    let status = 403;
    while (status !== 401 && Date.now() - revokedAt < 10_000) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await call(keys.GET, { key: third })).status;
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(KEY_CACHE_MS + 500);
    expect(KEY_CACHE_MS).toBeLessThanOrEqual(5000);
    forgetCachedKeys();
  });
});
