import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as summary from "@/app/api/v1/costs/summary/route";
import * as one from "@/app/api/v1/messages/[id]/route";
import * as providersRoute from "@/app/api/v1/providers/route";
import { getDb } from "@/lib/db";
import { messageAttempts, messages, providers } from "@/lib/db/schema";
import { vonageCallback } from "@/lib/providers/sms/vonage-webhook";
import { fetchPendingPrices } from "@/lib/services/costs/prices";
import { rebuildRollups, refreshRollups } from "@/lib/services/rollups/refresh";
import { ingestProviderEvents } from "@/lib/services/webhooks/ingest";
import { insertMessages } from "../cost-fixtures";
import { call, makeKey, makeOrg } from "../factories";
import { startHttpDouble } from "../providers/http-double";

const today = () => new Date().toISOString().slice(0, 10);

describe("cost ledger and rollups", () => {
  it("totals equal the sum of message costs to the micro-unit, estimate and provider priced apart", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    // Awkward amounts whose float sum drifts: 0.1 + 0.2 style, 1,000 of them.
    let micros = 0n;
    let estimateMicros = 0n;
    const rows = Array.from({ length: 1000 }, (_, i) => {
      const cost = (((i * 7919) % 100_000) + 1) / 1_000_000 + 0.1; // up to 6 decimals
      const fixed = cost.toFixed(6);
      const m = BigInt(fixed.replace(".", ""));
      micros += m;
      const provider = i % 3 === 0;
      if (!provider) estimateMicros += m;
      return {
        cost: Number(fixed),
        estimatedCost: Number(fixed),
        costSource: provider ? ("provider" as const) : ("estimate" as const),
        category: i % 2 ? "marketing" : "otp",
        segments: 1 + (i % 3),
      };
    });
    await insertMessages(orgId, rows);
    await refreshRollups(await getDb(), new Date());
    const res = await call(summary.GET, { key, path: `/costs/summary?group_by=category` });
    expect(res.status).toBe(200);
    const toMicros = (n: number) => BigInt(n.toFixed(6).replace(".", ""));
    expect(toMicros(res.json.total)).toBe(micros);
    expect(toMicros(res.json.estimated_total)).toBe(estimateMicros);
    expect(toMicros(res.json.provider_total)).toBe(micros - estimateMicros);
    expect(res.json).toMatchObject({
      currency: "USD",
      messages: 1000,
      start_date: `${today().slice(0, 8)}01`,
    });
    expect(res.json.groups.map((g: { key: string }) => g.key).sort()).toEqual(["marketing", "otp"]);
    const groupSum = res.json.groups.reduce((s: bigint, g: { cost: number }) => s + toMicros(g.cost), 0n);
    expect(groupSum).toBe(micros);
    expect(res.json.segments).toBe(rows.reduce((s, r) => s + r.segments, 0));
  }, 120_000);

  it("a charged failover attempt counts in the totals", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const [m] = await insertMessages(orgId, [{ cost: 0.02, estimatedCost: 0.02, attemptCount: 2 }]);
    const db = await getDb();
    const msg = m as NonNullable<typeof m>;
    await db.insert(messageAttempts).values([
      {
        orgId,
        messageId: msg.id,
        providerType: "twilio",
        outcome: "failure",
        error: "timeout",
        cost: 0.0075,
        currency: "USD",
      },
      { orgId, messageId: msg.id, providerId: msg.providerId, providerType: "console", outcome: "success" },
    ]);
    await refreshRollups(db, new Date());
    const res = await call(summary.GET, { key, path: "/costs/summary?group_by=provider" });
    expect(res.json.total).toBe(0.0275);
    expect(res.json.provider_total).toBe(0.0075);
    expect(res.json.estimated_total).toBe(0.02);
  });

  it("a provider-reported price replaces the estimate (Vonage delivery receipt), and the rollup follows", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const db = await getDb();
    const [vonage] = await db
      .insert(providers)
      .values({
        orgId,
        name: "Vonage",
        type: "vonage",
        channel: "sms",
        priority: 1,
        costPerUnit: 0.05,
        currency: "EUR",
      })
      .returning();
    const p = vonage as NonNullable<typeof vonage>;
    const [m] = await insertMessages(orgId, [
      {
        status: "sent",
        providerId: p.id,
        providerType: "vonage",
        providerMessageId: "0A0000000123ABCD1",
        cost: 0.05,
        estimatedCost: 0.05,
        currency: "EUR",
      },
    ]);
    const msg = m as NonNullable<typeof m>;
    await refreshRollups(db, new Date());
    expect((await call(summary.GET, { key, path: "/costs/summary" })).json).toMatchObject({
      currency: "EUR",
      total: 0.05,
      estimated_total: 0.05,
      provider_total: 0,
    });
    const receipt = vonageCallback({
      msisdn: "12025550142",
      to: "Acme",
      "network-code": "310260",
      messageId: "0A0000000123ABCD1",
      price: "0.03330000",
      status: "delivered",
      scts: "2601011200",
      "err-code": "0",
      "message-timestamp": "2026-01-01 12:00:00",
    });
    if (receipt.kind !== "receipt") throw new Error("expected a receipt");
    await ingestProviderEvents(p, "vonage", [{ event: receipt.event, raw: {} }]);
    const detail = (await call(one.GET, { key, params: { id: msg.id } })).json;
    expect(detail).toMatchObject({
      status: "delivered",
      cost: 0.0333,
      estimated_cost: 0.05,
      cost_source: "provider",
    });
    await refreshRollups(db, new Date());
    expect((await call(summary.GET, { key, path: "/costs/summary" })).json).toMatchObject({
      total: 0.0333,
      estimated_total: 0,
      provider_total: 0.0333,
    });
    // The nightly rebuild lands on the same figures.
    await rebuildRollups(db, {
      since: new Date(Date.now() - 86_400_000),
      until: new Date(Date.now() + 60_000),
      orgId,
    });
    expect((await call(summary.GET, { key, path: "/costs/summary" })).json.total).toBe(0.0333);
  });

  it("a Twilio price still null at delivery is fetched later from the Message resource", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const sid = "SM22222222222222222222222222222222";
    const account = `AC${"3".repeat(32)}`;
    let price: string | null = null;
    const double = await startHttpDouble(() => ({
      status: 200,
      body: { sid, status: "delivered", price, price_unit: "USD" },
    }));
    const created = await call(providersRoute.POST, {
      method: "POST",
      key,
      body: {
        name: "Twilio",
        type: "twilio",
        priority: 1,
        cost_per_unit: 0.01,
        currency: "USD",
        sender: { phone: "+12025550100" },
        config: { base_url: double.url },
        credentials: { account_sid: account, auth_token: "token-1234567890" },
      },
    });
    expect(created.status).toBe(201);
    const [m] = await insertMessages(orgId, [
      {
        providerId: created.json.id,
        providerType: "twilio",
        providerMessageId: sid,
        cost: 0.01,
        estimatedCost: 0.01,
        deliveredAt: new Date(),
        sentAt: new Date(Date.now() - 3000),
      },
    ]);
    const msg = m as NonNullable<typeof m>;
    const now = new Date();
    // Right after delivery Twilio has no price yet: the estimate stays, and the message is asked about again later.
    const first = await fetchPendingPrices(now);
    expect(first.checked).toBeGreaterThanOrEqual(1);
    expect(double.last().path).toBe(`/2010-04-01/Accounts/${account}/Messages/${sid}.json`);
    expect(double.last().headers.authorization).toBe(
      `Basic ${Buffer.from(`${account}:token-1234567890`).toString("base64")}`,
    );
    let row = (await call(one.GET, { key, params: { id: msg.id } })).json;
    expect(row).toMatchObject({ cost: 0.01, cost_source: "estimate" });
    // Not asked again at once …
    const requests = double.requests.length;
    await fetchPendingPrices(new Date(now.getTime() + 60_000));
    expect(double.requests.filter((r) => r.path.includes(sid)).length).toBe(
      double.requests.slice(0, requests).filter((r) => r.path.includes(sid)).length,
    );
    // … but after the retry interval, when Twilio has the price.
    price = "-0.00790";
    const later = await fetchPendingPrices(new Date(now.getTime() + 11 * 60_000));
    expect(later.priced).toBeGreaterThanOrEqual(1);
    row = (await call(one.GET, { key, params: { id: msg.id } })).json;
    expect(row).toMatchObject({
      cost: 0.0079,
      estimated_cost: 0.01,
      cost_source: "provider",
      currency: "USD",
    });
    // Priced: never asked again.
    const before = double.requests.length;
    await fetchPendingPrices(new Date(now.getTime() + 30 * 60_000));
    expect(double.requests.slice(before).some((r) => r.path.includes(sid))).toBe(false);
    const db = await getDb();
    const [stored] = await db.select().from(messages).where(eq(messages.id, msg.id));
    expect(stored?.costSource).toBe("provider");
    await double.close();
  });
});
