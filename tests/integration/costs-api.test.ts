import { describe, expect, it } from "vitest";
import * as summary from "@/app/api/v1/costs/summary/route";
import * as metrics from "@/app/api/v1/delivery/metrics/route";
import * as realTime from "@/app/api/v1/delivery/real-time/route";
import * as balance from "@/app/api/v1/providers/[id]/balance/route";
import * as compare from "@/app/api/v1/providers/compare/route";
import * as providersRoute from "@/app/api/v1/providers/route";
import * as statsRoute from "@/app/api/v1/stats/route";
import { getDb } from "@/lib/db";
import { messageEvents } from "@/lib/db/schema";
import { refreshRollups } from "@/lib/services/rollups/refresh";
import { builtInProviders, insertMessages } from "../cost-fixtures";
import { call, makeKey, makeOrg } from "../factories";
import { startHttpDouble } from "../providers/http-double";

const sec = (n: number) => new Date(Date.now() - n * 1000);

async function seeded() {
  const { orgId } = await makeOrg();
  const key = await makeKey(orgId, "staff");
  const { sms, email } = await builtInProviders(orgId);
  const now = Date.now();
  const rows = await insertMessages(orgId, [
    { status: "delivered", sentAt: new Date(now - 4000), deliveredAt: new Date(now - 1000), cost: 0.01 },
    { status: "delivered", sentAt: new Date(now - 40_000), deliveredAt: new Date(now - 1000), cost: 0.01 },
    { status: "failed", cost: 0.01, attemptCount: 2, error: "boom" },
    { status: "rejected", cost: null, error: "opted_out" },
    {
      channel: "email",
      to: "a@example.com",
      providerId: email.id,
      providerType: "sandbox",
      status: "sent",
      cost: 0,
      sentAt: sec(5),
    },
  ]);
  const db = await getDb();
  await db
    .insert(messageEvents)
    .values(
      rows.map((m, i) => ({ orgId, messageId: m.id, type: m.status, at: new Date(now - (10 - i) * 1000) })),
    );
  await refreshRollups(db, new Date());
  return { orgId, key, sms, email, rows };
}

describe("costs, delivery and stats APIs", () => {
  it("GET /delivery/metrics and /stats count from the rollups", async () => {
    const { key } = await seeded();
    const m = await call(metrics.GET, { key, path: "/delivery/metrics" });
    expect(m.status).toBe(200);
    expect(m.json).toMatchObject({
      total: 5,
      delivered: 2,
      failed: 1,
      delivery_rate: 0.5,
      avg_delivery_s: 21,
    });
    expect(m.json.p50_delivery_s).toBe(5);
    expect(m.json.p95_delivery_s).toBe(60);
    expect(m.json.by_channel.map((c: { key: string }) => c.key)).toEqual(["email", "sms"]);
    expect(m.json.by_day).toHaveLength(1);
    const s = await call(statsRoute.GET, { key, path: "/stats" });
    expect(s.status).toBe(200);
    expect(s.json.today.sms).toMatchObject({ delivered: 2, failed: 1, rejected: 1 });
    expect(s.json.today.email).toMatchObject({ sent: 1 });
    expect(s.json.today.total).toBe(5);
    expect(s.json.last_30_days.total).toBe(5);
  }, 120_000);

  it("GET /costs/summary totals the main currency, lists the others apart, and answers a day × group series", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const { email } = await builtInProviders(orgId);
    const yesterday = new Date(Date.now() - 86_400_000);
    await insertMessages(orgId, [
      { cost: 0.1, createdAt: yesterday },
      { cost: 0.2 },
      { cost: 0.300001 },
      { cost: 0.05, channel: "email", to: "a@example.com", providerId: email.id, providerType: "sandbox" },
      { cost: 7, currency: "EUR" },
      { cost: null, status: "rejected", currency: null }, // unpriced: counts, costs nothing
    ]);
    await refreshRollups(await getDb(), new Date());
    const start = yesterday.toISOString().slice(0, 10);
    const res = await call(summary.GET, {
      key,
      path: `/costs/summary?group_by=provider&start_date=${start}`,
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ currency: "USD", total: 0.650001, messages: 5 });
    expect(res.json.other_currencies).toEqual([{ currency: "EUR", total: 7 }]);
    // Groups by cost, largest first; the series has one cell per day and provider.
    expect(res.json.groups.map((g: { cost: number }) => g.cost)).toEqual([0.600001, 0.05]);
    expect(res.json.groups[0].messages).toBe(4);
    const days = [...new Set(res.json.series.map((x: { date: string }) => x.date))];
    expect(days).toEqual([start, new Date().toISOString().slice(0, 10)]);
    expect(res.json.series.reduce((n: number, x: { messages: number }) => n + x.messages, 0)).toBe(5);
    expect(res.json.series.find((x: { date: string }) => x.date === start)).toMatchObject({
      cost: 0.1,
      messages: 1,
    });
  });

  it("GET /stats nests its windows: today within the last 7 days within the last 30", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const day = 86_400_000;
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * day);
    await insertMessages(orgId, [
      { status: "delivered", createdAt: at(0) },
      { status: "delivered", createdAt: at(3) },
      { status: "failed", createdAt: at(3) },
      { status: "delivered", createdAt: at(20) },
      { status: "delivered", createdAt: at(45) }, // outside every window
    ]);
    await refreshRollups(await getDb(), new Date());
    const s = await call(statsRoute.GET, { key, path: "/stats" });
    expect(s.status).toBe(200);
    expect(s.json.today.sms).toMatchObject({ delivered: 1, failed: 0 });
    expect(s.json.last_7_days.sms).toMatchObject({ delivered: 2, failed: 1 });
    expect(s.json.last_30_days.sms).toMatchObject({ delivered: 3, failed: 1 });
    expect([s.json.today.total, s.json.last_7_days.total, s.json.last_30_days.total]).toEqual([1, 3, 4]);
  });

  it("GET /delivery/real-time answers the latest status changes, limited", async () => {
    const { key, rows } = await seeded();
    const res = await call(realTime.GET, { key, path: "/delivery/real-time?limit=2" });
    expect(res.status).toBe(200);
    expect(res.json.data).toHaveLength(2);
    expect(res.json.data[0]).toMatchObject({ message_id: rows[4]?.id, channel: "email", type: "sent" });
    expect((await call(realTime.GET, { key, path: "/delivery/real-time?limit=0" })).status).toBe(400);
    const bad = await call(realTime.GET, { key, path: "/delivery/real-time?limit=abc" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].field).toBe("limit");
  });

  it("GET /providers/compare gives cost per delivered, rates, percentiles and failover share", async () => {
    const { key, sms } = await seeded();
    const res = await call(compare.GET, { key, path: "/providers/compare?days=7" });
    expect(res.status).toBe(200);
    const row = res.json.data.find((r: { provider_id: string }) => r.provider_id === sms.id);
    expect(row).toMatchObject({
      type: "console",
      channel: "sms",
      messages: 4,
      delivered: 2,
      failed: 1,
      cost: 0.03,
      cost_per_delivered: 0.015,
      delivery_rate: 0.6667,
      failover_share: 0.25,
      error_mix: { failed: 1, undelivered: 0, bounced: 0 },
    });
    expect((await call(compare.GET, { key, path: "/providers/compare?days=0" })).status).toBe(400);
  });

  it("GET /costs/summary groups by each dimension and refuses bad dates with 400", async () => {
    const { key } = await seeded();
    for (const group_by of ["day", "provider", "channel", "category", "campaign"]) {
      const res = await call(summary.GET, { key, path: `/costs/summary?group_by=${group_by}` });
      expect(res.status, group_by).toBe(200);
      expect(res.json.total).toBe(0.03);
      expect(res.json.groups.reduce((s: number, g: { messages: number }) => s + g.messages, 0)).toBe(5);
    }
    // A budget's burn asks for one channel and category only.
    const sms = await call(summary.GET, { key, path: "/costs/summary?channel=sms" });
    expect(sms.json).toMatchObject({ total: 0.03, messages: 4 });
    const email = await call(summary.GET, { key, path: "/costs/summary?channel=email&group_by=channel" });
    expect(email.json).toMatchObject({ total: 0, messages: 1, groups: [{ key: "email", messages: 1 }] });
    const otp = await call(summary.GET, { key, path: "/costs/summary?category=otp" });
    expect(otp.json).toMatchObject({ total: 0, messages: 0, groups: [] });
    const byCampaign = await call(summary.GET, { key, path: "/costs/summary?group_by=campaign" });
    expect(byCampaign.json.groups[0].label).toBe("No campaign");
    for (const [q, field] of [
      ["start_date=2026-13-01", "start_date"],
      ["end_date=yesterday", "end_date"],
      ["group_by=week", "group_by"],
      ["start_date=2026-02-02&end_date=2026-02-01", "start_date"],
      ["channel=fax", "channel"],
      ["category=Not%20a%20category!", "category"],
    ]) {
      const res = await call(summary.GET, { key, path: `/costs/summary?${q}` });
      expect(res.status, q).toBe(400);
      expect(res.json.error.details[0].field, q).toBe(field);
    }
    const past = await call(summary.GET, {
      key,
      path: "/costs/summary?start_date=2020-01-01&end_date=2020-01-31",
    });
    expect(past.json).toMatchObject({ total: 0, messages: 0, groups: [], start_date: "2020-01-01" });
  });

  it("answers 401 without a key on every new route", async () => {
    for (const handler of [summary.GET, metrics.GET, realTime.GET, statsRoute.GET, compare.GET]) {
      expect((await call(handler, {})).status).toBe(401);
    }
    expect((await call(balance.GET, { params: { id: "00000000-0000-4000-8000-000000000000" } })).status).toBe(
      401,
    );
  });
});

describe("GET /providers/{id}/balance", () => {
  async function provider(key: string, body: Record<string, unknown>) {
    const res = await call(providersRoute.POST, { method: "POST", key, body: { priority: 1, ...body } });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json.id as string;
  }

  it("asks Twilio, Vonage, MessageBird and Africa's Talking their documented balance endpoints", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const manager = await makeKey(orgId, "manager");
    const double = await startHttpDouble((req) => {
      if (req.path.endsWith("/Balance.json"))
        return { body: { currency: "USD", balance: "12.34567", account_sid: "x" } };
      if (req.path === "/account/get-balance") return { body: { value: 10.28, autoReload: false } };
      if (req.path === "/balance") return { body: { payment: "prepaid", type: "euros", amount: 9.2 } };
      if (req.path === "/version1/user") return { body: { UserData: { balance: "KES 1785.50" } } };
      return { status: 404, body: {} };
    });
    const account = `AC${"4".repeat(32)}`;
    const twilio = await provider(key, {
      name: "Twilio",
      type: "twilio",
      sender: { phone: "+12025550100" },
      config: { base_url: double.url },
      credentials: { account_sid: account, auth_token: "tw-token" },
    });
    const vonage = await provider(key, {
      name: "Vonage",
      type: "vonage",
      sender: { sender_id: "Acme" },
      config: { base_url: double.url },
      credentials: { api_key: "vkey", api_secret: "vsecret", signature_secret: "vsig-secret-0123456789" },
    });
    const bird = await provider(key, {
      name: "Bird",
      type: "messagebird",
      sender: { sender_id: "Acme" },
      config: { base_url: double.url },
      credentials: { access_key: "live_abc", signing_key: "bird-signing" },
    });
    const at = await provider(key, {
      name: "AT",
      type: "africastalking",
      sender: { sender_id: "Acme" },
      config: { base_url: double.url },
      credentials: { username: "acme", api_key: "at-key" },
    });

    const t = await call(balance.GET, { key: manager, params: { id: twilio } });
    expect(t.json).toMatchObject({ provider_id: twilio, amount: 12.34567, currency: "USD" });
    expect(double.last().path).toBe(`/2010-04-01/Accounts/${account}/Balance.json`);
    expect(double.last().headers.authorization).toBe(
      `Basic ${Buffer.from(`${account}:tw-token`).toString("base64")}`,
    );

    const v = await call(balance.GET, { key: manager, params: { id: vonage } });
    expect(v.json).toMatchObject({ amount: 10.28, currency: "EUR" });
    expect(double.last().query.get("api_key")).toBe("vkey");
    expect(double.last().query.get("api_secret")).toBe("vsecret");

    const b = await call(balance.GET, { key: manager, params: { id: bird } });
    expect(b.json).toMatchObject({ amount: 9.2, currency: "EUR" });
    expect(double.last().headers.authorization).toBe("AccessKey live_abc");

    const a = await call(balance.GET, { key: manager, params: { id: at } });
    expect(a.json).toMatchObject({ amount: 1785.5, currency: "KES" });
    expect(double.last().path).toBe("/version1/user");
    expect(double.last().query.get("username")).toBe("acme");
    expect(double.last().headers.apikey).toBe("at-key");
    expect(Date.parse(a.json.at)).toBeGreaterThan(0);
    await double.close();
  });

  it("422 not_supported for types without a balance API, 404 for another organisation's provider, 502 when the provider fails", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const { sms, email } = await builtInProviders(orgId);
    for (const id of [sms.id, email.id]) {
      const res = await call(balance.GET, { key, params: { id } });
      expect(res.status).toBe(422);
      expect(res.json.error.code).toBe("not_supported");
    }
    const other = await makeOrg();
    expect(
      (await call(balance.GET, { key: await makeKey(other.orgId), params: { id: sms.id } })).status,
    ).toBe(404);
    expect((await call(balance.GET, { key, params: { id: "not-a-uuid" } })).status).toBe(404);
    const double = await startHttpDouble({ status: 401, body: { code: 20003, message: "secret words" } });
    const id = await provider(key, {
      name: "Twilio",
      type: "twilio",
      sender: { phone: "+12025550100" },
      config: { base_url: double.url },
      credentials: { account_sid: `AC${"5".repeat(32)}`, auth_token: "bad" },
    });
    const res = await call(balance.GET, { key, params: { id } });
    expect(res.status).toBe(502);
    expect(JSON.stringify(res.json)).not.toContain("secret words");
    await double.close();
  });
});
