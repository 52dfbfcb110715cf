import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as budgetsRoute from "@/app/api/v1/budgets/route";
import * as duplicate from "@/app/api/v1/campaigns/[id]/duplicate/route";
import * as launch from "@/app/api/v1/campaigns/[id]/launch/route";
import * as dryRun from "@/app/api/v1/campaigns/dry-run/route";
import * as campaignsRoute from "@/app/api/v1/campaigns/route";
import * as testSend from "@/app/api/v1/campaigns/test-send/route";
import * as message from "@/app/api/v1/messages/[id]/route";
import * as optOuts from "@/app/api/v1/opt-outs/route";
import * as templates from "@/app/api/v1/templates/route";
import { getDb } from "@/lib/db";
import { providers } from "@/lib/db/schema";
import { makeAudience, runToEnd } from "../campaign-fixtures";
import { call, makeKey, makeOrg } from "../factories";

async function template(key: string, html: string) {
  const t = await call(templates.POST, {
    method: "POST",
    key,
    body: {
      channel: "email",
      name: `T${Math.random()}`,
      subject: "Hi {{name}}",
      html,
      category: "marketing",
    },
  });
  expect(t.status, JSON.stringify(t.json)).toBe(201);
  return t.json.id as string;
}

describe("campaign dry run before launch", () => {
  it("counts who receives it and who is skipped and why, with the template's missing variables, writing nothing", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    // Contacts 0–9 have a tier; 10–19 lack it.
    const { listId } = await makeAudience(orgId, 20, (i) => (i < 10 ? { tier: "gold" } : {}));
    await call(optOuts.POST, {
      method: "POST",
      key,
      body: { address: "person1@example.com", channel: "email" },
    });
    const templateId = await template(key, "<p>Your tier is {{tier}}</p>");
    const res = await call(dryRun.POST, {
      method: "POST",
      key,
      body: { channel: "email", template_id: templateId, audience: { list_ids: [listId] } },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({
      targeted: 20,
      will_receive: 9,
      skipped: 11,
      skipped_by_reason: { opted_out: 1, missing_variables: 10 },
      missing_variables: { tier: 10 },
      quiet_hours_deferred: 0,
    });
    const listed = await call(campaignsRoute.GET, { key, path: "/campaigns" });
    expect(listed.json.data).toHaveLength(0);
  });

  it("shows what remains of each covering budget and whether the estimated cost fits", async () => {
    const { orgId } = await makeOrg();
    const staff = await makeKey(orgId, "staff");
    const manager = await makeKey(orgId, "manager");
    const { listId } = await makeAudience(orgId, 20);
    const db = await getDb();
    // One cent a message on the organisation's email providers: 20 recipients cost 0.20.
    await db
      .update(providers)
      .set({ costPerUnit: 0.01, currency: "USD" })
      .where(and(eq(providers.orgId, orgId), eq(providers.channel, "email")));
    const templateId = await template(staff, "<p>Hello {{name}}</p>");
    const body = { channel: "email", template_id: templateId, audience: { list_ids: [listId] } };
    const none = await call(dryRun.POST, { method: "POST", key: staff, body });
    expect(none.status, JSON.stringify(none.json)).toBe(200);
    expect(none.json).toMatchObject({
      will_receive: 20,
      estimated_cost: 0.2,
      fits_budgets: true,
      budgets: [],
    });

    const mk = async (b: Record<string, unknown>) => {
      const r = await call(budgetsRoute.POST, {
        method: "POST",
        key: manager,
        body: { currency: "USD", alert_emails: [], ...b },
      });
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      return r.json.id as string;
    };
    const tight = await mk({ name: "Email marketing", amount: 0.15, channel: "email", hard_stop: true });
    const roomy = await mk({ name: "All marketing", amount: 5, category: "marketing", hard_stop: true });
    const soft = await mk({ name: "Soft cap", amount: 0.01, hard_stop: false });
    await mk({ name: "SMS only", amount: 0.01, channel: "sms", hard_stop: true });
    const res = await call(dryRun.POST, { method: "POST", key: staff, body });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.fits_budgets).toBe(false);
    const byId = Object.fromEntries(res.json.budgets.map((b: { id: string }) => [b.id, b]));
    expect(Object.keys(byId).sort()).toEqual([tight, roomy, soft].sort());
    expect(byId[tight]).toMatchObject({
      name: "Email marketing",
      remaining: 0.15,
      hard_stop: true,
      fits: false,
    });
    expect(byId[roomy]).toMatchObject({ remaining: 5, fits: true });
    // Without a hard stop nothing is refused: it "fits", though remaining is below the estimate.
    expect(byId[soft]).toMatchObject({ remaining: 0.01, hard_stop: false, fits: true });

    // A transactional campaign is never stopped by a budget.
    const tx = await call(dryRun.POST, {
      method: "POST",
      key: staff,
      body: { ...body, category: "transactional" },
    });
    expect(tx.status, JSON.stringify(tx.json)).toBe(200);
    expect(tx.json.fits_budgets).toBe(true);
  });

  it("names bad fields, refuses another organisation's template, and needs a key", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const other = await makeOrg();
    const otherKey = await makeKey(other.orgId, "staff");
    const foreign = await template(otherKey, "<p>x</p>");
    const bad = await call(dryRun.POST, { method: "POST", key, body: { channel: "email", audience: {} } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { field: string }) => d.field)).toContain("template_id");
    const notMine = await call(dryRun.POST, {
      method: "POST",
      key,
      body: { channel: "email", template_id: foreign, audience: { list_ids: [] } },
    });
    // As on campaign create: another organisation's template is simply not found, named on its field.
    expect(notMine.status).toBe(400);
    expect(notMine.json.error.details[0].field).toBe("template_id");
    expect((await call(dryRun.POST, { method: "POST", body: {} })).status).toBe(401);
  });

  it("sends a test to me rendered for the first contact, marked as a test", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const { listId } = await makeAudience(orgId, 3, () => ({ tier: "silver" }));
    const templateId = await template(key, "<p>Hello {{name}}, tier {{tier}}</p>");
    const res = await call(testSend.POST, {
      method: "POST",
      key,
      body: {
        channel: "email",
        template_id: templateId,
        audience: { list_ids: [listId] },
        to: "me@example.com",
      },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    expect(res.json.missing_variables).toEqual([]);
    const m = await call(message.GET, { key, params: { id: res.json.message.id } });
    expect(m.json).toMatchObject({ to: "me@example.com", metadata: { campaign_test: true } });
    expect(m.json.subject).toMatch(/^\[Test\] Hi Person \d$/);
    expect(m.json.html).toContain("tier silver");
    const bad = await call(testSend.POST, {
      method: "POST",
      key,
      body: { channel: "email", template_id: templateId, to: "not an address" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].field).toBe("to");
  });
});

describe("a campaign that reaches nobody says so", () => {
  it("ends completed with outcome none_sent when every recipient was rejected", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const { listId } = await makeAudience(orgId, 5);
    const templateId = await template(key, "<p>{{first_name}}, your code is {{coupon}}</p>");
    const c = await call(campaignsRoute.POST, {
      method: "POST",
      key,
      body: { name: "Nobody", channel: "email", template_id: templateId, audience: { list_ids: [listId] } },
    });
    await call(launch.POST, { method: "POST", key, params: { id: c.json.id } });
    const done = await runToEnd(key, c.json.id);
    expect(done).toMatchObject({ status: "completed", outcome: "none_sent" });
    expect(done.stats).toMatchObject({ sent: 0, rejected: 5, rejected_by_reason: { missing_variables: 5 } });
  });

  it("ends all_sent when everyone was reached, and duplicate copies it into a new draft", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const { listId } = await makeAudience(orgId, 3);
    const templateId = await template(key, "<p>Hello {{name}}</p>");
    const c = await call(campaignsRoute.POST, {
      method: "POST",
      key,
      body: { name: "Everyone", channel: "email", template_id: templateId, audience: { list_ids: [listId] } },
    });
    expect(c.json.outcome).toBeNull();
    await call(launch.POST, { method: "POST", key, params: { id: c.json.id } });
    expect(await runToEnd(key, c.json.id)).toMatchObject({ status: "completed", outcome: "all_sent" });
    const copy = await call(duplicate.POST, { method: "POST", key, params: { id: c.json.id } });
    expect(copy.status).toBe(201);
    expect(copy.json).toMatchObject({
      name: "Copy of Everyone",
      status: "draft",
      template_id: templateId,
      audience: { list_ids: [listId] },
      stats: { targeted: 0 },
    });
    const other = await makeOrg();
    const otherKey = await makeKey(other.orgId, "staff");
    expect(
      (await call(duplicate.POST, { method: "POST", key: otherKey, params: { id: c.json.id } })).status,
    ).toBe(404);
  });
});
