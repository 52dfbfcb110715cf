import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as one from "@/app/api/v1/budgets/[id]/route";
import * as list from "@/app/api/v1/budgets/route";
import * as providers from "@/app/api/v1/providers/route";
import { getDb } from "@/lib/db";
import { auditLog, eventOutbox } from "@/lib/db/schema";
import { drainJobs } from "@/lib/jobs/runner";
import { closeSmtpTransports } from "@/lib/providers/email/smtp";
import { checkBudgetThresholds } from "@/lib/services/budgets/alerts";
import { refreshRollups } from "@/lib/services/rollups/refresh";
import { insertMessages } from "../cost-fixtures";
import { call, makeKey, makeOrg } from "../factories";
import { startSmtpSink } from "../smtp-sink";

afterAll(() => closeSmtpTransports());

const body = {
  name: "SMS marketing",
  amount: 1,
  currency: "usd",
  channel: "sms",
  alert_emails: ["finance@example.com"],
  hard_stop: true,
};

describe("/budgets", () => {
  it("creates, reads, changes and deletes a budget with the SPEC shape", async () => {
    const { orgId } = await makeOrg();
    const manager = await makeKey(orgId, "manager");
    const created = await call(list.POST, { method: "POST", key: manager, body });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: "SMS marketing",
      amount: 1,
      currency: "USD",
      period: "month",
      channel: "sms",
      category: null,
      thresholds: [50, 80, 100],
      alert_emails: ["finance@example.com"],
      hard_stop: true,
      spent: 0,
      reserved: 0,
      remaining: 1,
      projected_total: 0,
      alerts_sent: [],
    });
    const id = created.json.id;
    await insertMessages(orgId, [
      { cost: 0.25, estimatedCost: 0.25 },
      { cost: 0.125, channel: "email", to: "a@example.com" },
    ]);
    await refreshRollups(await getDb(), new Date());
    const got = await call(one.GET, { key: manager, params: { id } });
    expect(got.json).toMatchObject({ spent: 0.25, remaining: 0.75 });
    expect(got.json.projected_total).toBeGreaterThanOrEqual(0.25);
    const changed = await call(one.PATCH, {
      method: "PATCH",
      key: manager,
      params: { id },
      body: { amount: 2.5 },
    });
    expect(changed.json).toMatchObject({ amount: 2.5, remaining: 2.25 });
    expect((await call(list.GET, { key: manager })).json.data).toHaveLength(1);
    expect((await call(one.DELETE, { method: "DELETE", key: manager, params: { id } })).status).toBe(204);
    expect((await call(one.GET, { key: manager, params: { id } })).status).toBe(404);
  }, 120_000);

  it("staff read budgets but may not change them (403); no key 401", async () => {
    const { orgId } = await makeOrg();
    const admin = await makeKey(orgId, "admin");
    const staff = await makeKey(orgId, "staff");
    const created = await call(list.POST, { method: "POST", key: admin, body });
    expect(created.status).toBe(201);
    const id = created.json.id;
    expect((await call(list.GET, { key: staff })).status).toBe(200);
    expect((await call(one.GET, { key: staff, params: { id } })).status).toBe(200);
    expect((await call(list.POST, { method: "POST", key: staff, body })).status).toBe(403);
    expect(
      (await call(one.PATCH, { method: "PATCH", key: staff, params: { id }, body: { amount: 3 } })).status,
    ).toBe(403);
    expect((await call(one.DELETE, { method: "DELETE", key: staff, params: { id } })).status).toBe(403);
    expect((await call(list.GET, {})).status).toBe(401);
    expect((await call(one.GET, { params: { id } })).status).toBe(401);
  });

  it("another organisation's budget is a 404 for every verb", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const created = await call(list.POST, { method: "POST", key: await makeKey(a.orgId), body });
    const other = await makeKey(b.orgId);
    const id = created.json.id;
    expect((await call(one.GET, { key: other, params: { id } })).status).toBe(404);
    expect(
      (await call(one.PATCH, { method: "PATCH", key: other, params: { id }, body: { amount: 5 } })).status,
    ).toBe(404);
    expect((await call(one.DELETE, { method: "DELETE", key: other, params: { id } })).status).toBe(404);
    expect((await call(list.GET, { key: other })).json.data).toEqual([]);
  });

  it("bad input is a 400 naming each field", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const res = await call(list.POST, {
      method: "POST",
      key,
      body: {
        name: "",
        amount: -1,
        currency: "dollars",
        period: "week",
        thresholds: [0],
        alert_emails: ["nope"],
      },
    });
    expect(res.status).toBe(400);
    const fields = res.json.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(["name", "amount", "currency", "period", "thresholds.0", "alert_emails.0"]),
    );
    expect(
      (await call(list.POST, { method: "POST", key, body: { ...body, amount: 0.0000001 } })).status,
    ).toBe(400);
    const created = await call(list.POST, { method: "POST", key, body });
    const bad = await call(one.PATCH, {
      method: "PATCH",
      key,
      params: { id: created.json.id },
      body: { hard_stop: "yes" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].field).toBe("hard_stop");
  });

  it("emails the 50, 80 and 100 % alerts exactly once each, through the organisation's email provider, audited", async () => {
    const sink = await startSmtpSink();
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const smtp = await call(providers.POST, {
      method: "POST",
      key,
      body: {
        name: "Office SMTP",
        type: "smtp",
        priority: 1,
        sender: { email: "alerts@acme.test" },
        config: { host: "127.0.0.1", port: sink.port, tls_mode: "none" },
        credentials: {},
      },
    });
    expect(smtp.status).toBe(201);
    const created = await call(list.POST, {
      method: "POST",
      key,
      body: { ...body, alert_emails: ["finance@example.com", "cfo@example.com"] },
    });
    const id = created.json.id;
    const db = await getDb();
    const spend = async (cost: number) => {
      await insertMessages(orgId, [{ cost, estimatedCost: cost, category: "marketing" }]);
      await refreshRollups(db, new Date());
      const fired = await checkBudgetThresholds(orgId, new Date());
      await drainJobs();
      return fired.map((f) => f.threshold);
    };
    expect(await spend(0.3)).toEqual([]);
    expect(await spend(0.25)).toEqual([50]);
    expect(await spend(0.01)).toEqual([]);
    expect(await spend(0.3)).toEqual([80]);
    expect(await spend(0.2)).toEqual([100]);
    expect(await spend(0.5)).toEqual([]);
    // Run again and concurrently: nothing more.
    const again = await Promise.all([checkBudgetThresholds(orgId), checkBudgetThresholds(orgId)]);
    expect(again.flat()).toEqual([]);
    await drainJobs();

    const subjects = sink.received.map((r) => r.mail.subject).sort();
    expect(subjects).toEqual([
      'Budget "SMS marketing" reached 100 %',
      'Budget "SMS marketing" reached 100 %',
      'Budget "SMS marketing" reached 50 %',
      'Budget "SMS marketing" reached 50 %',
      'Budget "SMS marketing" reached 80 %',
      'Budget "SMS marketing" reached 80 %',
    ]);
    expect(sink.received.every((r) => r.envelope.from === "alerts@acme.test")).toBe(true);
    const fifty = sink.received.filter((r) => r.mail.subject?.includes("50 %"));
    expect(fifty.map((r) => r.envelope.to[0]).sort()).toEqual(["cfo@example.com", "finance@example.com"]);
    expect(fifty[0]?.mail.text).toMatch(/at this rate/i);

    const audits = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, orgId), eq(auditLog.action, "budget.threshold_reached")));
    expect(audits.map((a) => (a.changes as { threshold: number }).threshold).sort()).toEqual([100, 50, 80]);
    // Each alert is also an outgoing budget.threshold_reached event, written with the claim.
    const events = await db
      .select({ data: eventOutbox.data })
      .from(eventOutbox)
      .where(and(eq(eventOutbox.orgId, orgId), eq(eventOutbox.type, "budget.threshold_reached")));
    expect(events.map((e) => (e.data as { threshold: number }).threshold).sort()).toEqual([100, 50, 80]);
    const got = await call(one.GET, { key, params: { id } });
    expect(got.json.alerts_sent.map((a: { threshold: number }) => a.threshold).sort()).toEqual([100, 50, 80]);
    expect(got.json.spent).toBe(1.56);
    expect(got.json.remaining).toBe(-0.56);
    await sink.close();
  }, 120_000);
});

describe("the minute cron", () => {
  it("folds new messages into the rollups and sends due budget alerts in one run", async () => {
    const { refreshRollupsCron } = await import("@/inngest/functions/rollups/refresh");
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const created = await call(list.POST, { method: "POST", key, body: { ...body, alert_emails: [] } });
    await insertMessages(orgId, [{ cost: 0.6, estimatedCost: 0.6 }]);
    const step = { run: <R>(_id: string, fn: () => Promise<R>) => fn(), sleepUntil: async () => {} };
    const result = (await refreshRollupsCron.def.handler({
      event: { name: "cron", data: {} },
      step,
      attempt: 0,
    })) as { alerts: number };
    expect(result.alerts).toBeGreaterThanOrEqual(1);
    const got = await call(one.GET, { key, params: { id: created.json.id } });
    expect(got.json.spent).toBe(0.6);
    expect(got.json.alerts_sent.map((a: { threshold: number }) => a.threshold)).toEqual([50]);
  }, 120_000);
});
