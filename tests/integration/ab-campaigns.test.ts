import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as launch from "@/app/api/v1/campaigns/[id]/launch/route";
import * as pick from "@/app/api/v1/campaigns/[id]/pick-winner/route";
import * as one from "@/app/api/v1/campaigns/[id]/route";
import * as campaignsRoute from "@/app/api/v1/campaigns/route";
import * as providers from "@/app/api/v1/providers/route";
import * as campaignReport from "@/app/api/v1/reports/campaign/route";
import * as templates from "@/app/api/v1/templates/route";
import { getDb } from "@/lib/db";
import { campaignHoldouts, jobs, messageEvents, messages } from "@/lib/db/schema";
import { drainJobs } from "@/lib/jobs/runner";
import { closeSmtpTransports } from "@/lib/providers/email/smtp";
import { freezeCampaign, rolloutWinner } from "@/lib/services/campaigns/ab";
import { makeAudience } from "../campaign-fixtures";
import { call, makeKey, makeOrg } from "../factories";
import { startSmtpSink } from "../smtp-sink";

afterAll(() => closeSmtpTransports());

async function template(key: string, channel: "email" | "sms", label: string) {
  const body =
    channel === "email"
      ? { channel, name: `${label}-${Math.random()}`, subject: `${label} {{name}}`, text: `Body ${label}` }
      : { channel, name: `${label}-${Math.random()}`, body: `SMS ${label}` };
  const t = await call(templates.POST, { method: "POST", key, body: { ...body, category: "marketing" } });
  expect(t.status).toBe(201);
  return t.json.id as string;
}

async function sinkProvider(key: string) {
  const sink = await startSmtpSink();
  await call(providers.POST, {
    method: "POST",
    key,
    body: {
      name: "Sink",
      type: "smtp",
      priority: 1,
      sender: { email: "news@acme.test" },
      config: { host: "127.0.0.1", port: sink.port, tls_mode: "none" },
    },
  });
  return sink;
}

const fields = (r: { json: { error: { details?: { field: string }[] } } }) =>
  (r.json.error.details ?? []).map((d) => d.field);

/** The decide job's wait is over: mark its sleep done and make every pending job due (the runner's own memo). */
async function skipAbWait(campaignId: string) {
  const db = await getDb();
  await db
    .update(jobs)
    .set({ steps: sql`${jobs.steps} || '{"wait":"done"}'::jsonb`, runAt: sql`now()` })
    .where(
      and(
        eq(jobs.functionId, "campaigns-ab-decide"),
        sql`${jobs.event}->'data'->>'campaignId' = ${campaignId}`,
      ),
    );
}

/** Drains jobs, making parked ones due, until the campaign completes (or rounds run out). */
async function drainUntilDone(key: string, id: string, rounds = 30) {
  const db = await getDb();
  for (let i = 0; i < rounds; i++) {
    await drainJobs();
    const c = (await call(one.GET, { key, params: { id } })).json;
    if (c.status === "completed") return c;
    // Parked dispatch runs (throttles, the A/B wait) are made due; the decide job's own sleep is not touched.
    await db
      .update(jobs)
      .set({ runAt: sql`now()` })
      .where(and(eq(jobs.status, "pending"), sql`${jobs.functionId} <> 'campaigns-ab-decide'`));
  }
  return (await call(one.GET, { key, params: { id } })).json;
}

async function perContact(campaignId: string) {
  const db = await getDb();
  return db
    .select({
      contactId: messages.contactId,
      n: sql<number>`count(*)::int`,
      variant: sql<string>`max(${messages.variant})`,
    })
    .from(messages)
    .where(eq(messages.campaignId, campaignId))
    .groupBy(messages.contactId);
}

describe("A/B campaigns", () => {
  it("validates variants and ab_test, naming the field", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const other = await makeKey((await makeOrg()).orgId);
    const a = await template(key, "email", "A");
    const b = await template(key, "email", "B");
    const sms = await template(key, "sms", "S");
    const foreign = await template(other, "email", "F");
    const { listId } = await makeAudience(orgId, 3);
    const base = { name: "AB", channel: "email", audience: { list_ids: [listId] } };
    const post = (body: Record<string, unknown>) => call(campaignsRoute.POST, { method: "POST", key, body });
    const test = { test_percent: 20, metric: "clicks", wait_minutes: 60 };

    const one_ = await post({ ...base, variants: [{ name: "A", template_id: a }], ab_test: test });
    expect(one_.status).toBe(400);
    expect(fields(one_)).toContain("variants");
    const five = await post({
      ...base,
      variants: ["A", "B", "C", "D", "E"].map((name) => ({ name, template_id: a })),
      ab_test: test,
    });
    expect(fields(five)).toContain("variants");
    const dup = await post({
      ...base,
      variants: [
        { name: "A", template_id: a },
        { name: "a", template_id: b },
      ],
      ab_test: test,
    });
    expect(dup.status).toBe(400);
    expect(fields(dup)).toContain("variants.1.name");
    const variants = [
      { name: "A", template_id: a },
      { name: "B", template_id: b },
    ];
    for (const [abTest, field] of [
      [{ ...test, test_percent: 0 }, "ab_test.test_percent"],
      [{ ...test, test_percent: 100 }, "ab_test.test_percent"],
      [{ ...test, test_percent: 12.5 }, "ab_test.test_percent"],
      [{ ...test, metric: "replies" }, "ab_test.metric"],
      [{ ...test, wait_minutes: 0 }, "ab_test.wait_minutes"],
      [{ test_percent: 10, metric: "opens" }, "ab_test.wait_minutes"],
    ] as const) {
      const r = await post({ ...base, variants, ab_test: abTest });
      expect(r.status, JSON.stringify(abTest)).toBe(400);
      expect(fields(r)).toContain(field);
    }
    const noTest = await post({ ...base, variants });
    expect(fields(noTest)).toContain("ab_test");
    const wrongChannel = await post({
      ...base,
      variants: [variants[0], { name: "S", template_id: sms }],
      ab_test: test,
    });
    expect(wrongChannel.status).toBe(400);
    expect(fields(wrongChannel)).toContain("variants.1.template_id");
    const otherOrg = await post({
      ...base,
      variants: [variants[0], { name: "F", template_id: foreign }],
      ab_test: test,
    });
    expect(fields(otherOrg)).toContain("variants.1.template_id");

    // Manual needs no wait; template_id defaults to the first variant's.
    const ok = await post({ ...base, variants, ab_test: { test_percent: 10, metric: "manual" } });
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({
      template_id: a,
      variants,
      ab_test: { test_percent: 10, metric: "manual", wait_minutes: null },
      winner: null,
      stats: { waiting: 0, variants: [{ name: "A" }, { name: "B" }] },
    });
    const patched = await call(one.PATCH, {
      method: "PATCH",
      key,
      params: { id: ok.json.id },
      body: { ab_test: { test_percent: 30, metric: "opens", wait_minutes: 5 } },
    });
    expect(patched.status).toBe(200);
    expect(patched.json.ab_test).toEqual({ test_percent: 30, metric: "opens", wait_minutes: 5 });
    const badPatch = await call(one.PATCH, {
      method: "PATCH",
      key,
      params: { id: ok.json.id },
      body: { variants: [{ name: "A", template_id: a }] },
    });
    expect(fields(badPatch)).toContain("variants");

    // Pick-winner on a campaign without variants, and on a draft.
    const plain = await post({ ...base, template_id: a });
    const notAb = await call(pick.POST, {
      method: "POST",
      key,
      params: { id: plain.json.id },
      body: { variant: "A" },
    });
    expect(notAb.status).toBe(409);
    // Another organisation's campaign answers 404.
    const foreignPick = await call(pick.POST, {
      method: "POST",
      key: other,
      params: { id: ok.json.id },
      body: { variant: "A" },
    });
    expect(foreignPick.status).toBe(404);
  });

  it("splits 10,000 recipients: each variant's test share within ±2 % of expected, the rest waiting", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const ids = await Promise.all(["A", "B", "C"].map((n) => template(key, "email", n)));
    const N = 10_000;
    const { listId } = await makeAudience(orgId, N);
    const c = await call(campaignsRoute.POST, {
      method: "POST",
      key,
      body: {
        name: "Split",
        channel: "email",
        audience: { list_ids: [listId] },
        variants: ids.map((template_id, i) => ({ name: ["A", "B", "C"][i], template_id })),
        ab_test: { test_percent: 30, metric: "opens", wait_minutes: 60 },
      },
    });
    expect(c.status).toBe(201);
    const launched = await call(launch.POST, { method: "POST", key, params: { id: c.json.id } });
    expect(launched.status).toBe(200);
    // This test looks at the split only: the launch's jobs are set aside and the freeze is run directly.
    const db = await getDb();
    await db.delete(jobs).where(sql`${jobs.event}->'data'->>'campaignId' = ${c.json.id}`);
    await freezeCampaign(c.json.id);
    await freezeCampaign(c.json.id); // a retry keeps the split

    const got = (await call(one.GET, { key, params: { id: c.json.id } })).json;
    const test = Math.round(N * 0.3);
    expect(got.stats.targeted).toBe(N);
    expect(got.stats.waiting).toBe(N - test);
    for (const v of got.stats.variants) {
      expect(Math.abs(v.targeted - test / 3)).toBeLessThanOrEqual((test / 3) * 0.02);
    }
    expect(got.stats.variants.reduce((n: number, v: { targeted: number }) => n + v.targeted, 0)).toBe(test);
    // Each variant's messages carry its template.
    const byTemplate = await db
      .select({ variant: messages.variant, t: sql<number>`count(distinct ${messages.templateId})::int` })
      .from(messages)
      .where(eq(messages.campaignId, c.json.id))
      .groupBy(messages.variant);
    expect(byTemplate.every((r) => r.t === 1)).toBe(true);
    const [overlap] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(campaignHoldouts)
      .innerJoin(
        messages,
        and(
          eq(messages.campaignId, campaignHoldouts.campaignId),
          eq(messages.contactId, campaignHoldouts.contactId),
        ),
      )
      .where(eq(campaignHoldouts.campaignId, c.json.id));
    expect(overlap?.n).toBe(0);
  }, 180_000);

  it("after the wait the winner by clicks goes to the rest: everyone exactly one message, a second rollout adds nothing", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const sink = await sinkProvider(key);
    const a = await template(key, "email", "Alpha");
    const b = await template(key, "email", "Beta");
    const N = 200;
    const { listId } = await makeAudience(orgId, N);
    const c = await call(campaignsRoute.POST, {
      method: "POST",
      key,
      body: {
        name: "Clicks",
        channel: "email",
        audience: { list_ids: [listId] },
        variants: [
          { name: "A", template_id: a },
          { name: "B", template_id: b },
        ],
        ab_test: { test_percent: 20, metric: "clicks", wait_minutes: 60 },
      },
    });
    await call(launch.POST, { method: "POST", key, params: { id: c.json.id } });
    // The test group is sent; the campaign then waits for the winner instead of completing.
    const waiting = await drainUntilDone(key, c.json.id, 4);
    expect(waiting.status).toBe("running");
    expect(waiting.winner).toBeNull();
    expect(waiting.stats.waiting).toBe(N - 40);
    expect(waiting.stats.variants.map((v: { sent: number }) => v.sent)).toEqual([20, 20]);
    expect(sink.received.length).toBe(40);

    // Five of B's recipients click, one of A's.
    const db = await getDb();
    const sent = await db
      .select({ id: messages.id, variant: messages.variant })
      .from(messages)
      .where(eq(messages.campaignId, c.json.id));
    const clickers = [
      ...sent.filter((m) => m.variant === "B").slice(0, 5),
      ...sent.filter((m) => m.variant === "A").slice(0, 1),
    ];
    await db
      .insert(messageEvents)
      .values(
        clickers.map((m) => ({ orgId, messageId: m.id, type: "clicked", data: { url: "https://x.test" } })),
      );

    await skipAbWait(c.json.id);
    const done = await drainUntilDone(key, c.json.id);
    expect(done.status).toBe("completed");
    expect(done.winner).toBe("B");
    expect(done.stats.waiting).toBe(0);
    expect(done.stats.sent).toBe(N);
    expect(done.stats.variants).toMatchObject([
      { name: "A", targeted: 20, clicked: 1 },
      { name: "B", targeted: N - 20, sent: N - 20, clicked: 5 },
    ]);
    const rows = await perContact(c.json.id);
    expect(rows.length).toBe(N);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(sink.received.length).toBe(N);
    const betaSubjects = sink.received.filter((m) => m.raw.includes("Beta")).length;
    expect(betaSubjects).toBe(N - 20);

    // The campaign report carries one row per variant.
    const report = await campaignReport.GET(
      new Request(`http://localhost/api/v1/reports/campaign?days=1&campaign_id=${c.json.id}`, {
        headers: { authorization: `Bearer ${key}` },
      }),
      { params: Promise.resolve({}) },
    );
    expect(report.status).toBe(200);
    const body = await report.json();
    expect(body.totals.winner).toBe("B");
    expect(body.totals.variants).toEqual(done.stats.variants);
    const pdf = await campaignReport.GET(
      new Request(`http://localhost/api/v1/reports/campaign?days=1&format=pdf&campaign_id=${c.json.id}`, {
        headers: { authorization: `Bearer ${key}` },
      }),
      { params: Promise.resolve({}) },
    );
    expect(pdf.status).toBe(200);

    expect(await rolloutWinner(c.json.id)).toEqual({ created: 0 });
    expect((await perContact(c.json.id)).length).toBe(N);
    // Decided: a pick is refused.
    const late = await call(pick.POST, {
      method: "POST",
      key,
      params: { id: c.json.id },
      body: { variant: "A" },
    });
    expect(late.status).toBe(409);
    await sink.close();
  }, 120_000);

  it("manual: waits for a pick (422 for an unknown variant), then sends the picked variant to the rest", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const sink = await sinkProvider(key);
    const a = await template(key, "email", "Alpha");
    const b = await template(key, "email", "Beta");
    const N = 50;
    const { listId } = await makeAudience(orgId, N);
    const c = await call(campaignsRoute.POST, {
      method: "POST",
      key,
      body: {
        name: "Manual",
        channel: "email",
        audience: { list_ids: [listId] },
        variants: [
          { name: "A", template_id: a },
          { name: "B", template_id: b },
        ],
        ab_test: { test_percent: 40, metric: "manual" },
      },
    });
    await call(launch.POST, { method: "POST", key, params: { id: c.json.id } });
    const before = await drainUntilDone(key, c.json.id, 4);
    expect(before.status).toBe("running");
    expect(before.winner).toBeNull();
    expect(before.stats.waiting).toBe(30);
    const unknown = await call(pick.POST, {
      method: "POST",
      key,
      params: { id: c.json.id },
      body: { variant: "Z" },
    });
    expect(unknown.status).toBe(422);
    expect(fields(unknown)).toEqual(["variant"]);
    const picked = await call(pick.POST, {
      method: "POST",
      key,
      params: { id: c.json.id },
      body: { variant: "A" },
    });
    expect(picked.status).toBe(200);
    expect(picked.json.winner).toBe("A");
    const again = await call(pick.POST, {
      method: "POST",
      key,
      params: { id: c.json.id },
      body: { variant: "B" },
    });
    expect(again.status).toBe(409);
    const done = await drainUntilDone(key, c.json.id);
    expect(done.status).toBe("completed");
    expect(done.stats.variants).toMatchObject([
      { name: "A", targeted: 40 },
      { name: "B", targeted: 10 },
    ]);
    const rows = await perContact(c.json.id);
    expect(rows.length).toBe(N);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(sink.received.length).toBe(N);
    expect(await rolloutWinner(c.json.id)).toEqual({ created: 0 });
    await sink.close();
  }, 120_000);
});
