import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as budgetOne from "@/app/api/v1/budgets/[id]/route";
import * as budgets from "@/app/api/v1/budgets/route";
import * as launch from "@/app/api/v1/campaigns/[id]/launch/route";
import * as campaignsRoute from "@/app/api/v1/campaigns/route";
import * as messageOne from "@/app/api/v1/messages/[id]/route";
import * as providers from "@/app/api/v1/providers/route";
import * as sms from "@/app/api/v1/sms/send/route";
import * as templates from "@/app/api/v1/templates/route";
import { getDb } from "@/lib/db";
import { listMembers, lists, messages } from "@/lib/db/schema";
import { drainJobs } from "@/lib/jobs/runner";
import { makeAudience, runToEnd } from "../campaign-fixtures";
import { call, makeKey, makeOrg } from "../factories";

// The budget stop through the real pipeline: launch → freeze → delivery groups,
// where each message's estimated cost is reserved before its provider call.
describe("a hard-stop budget in the delivery pipeline", () => {
  it("two campaigns launched together send no more than the budget allows; both pause with the reason; OTP still goes", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const p = await call(providers.POST, {
      method: "POST",
      key,
      body: {
        name: "Console",
        type: "console",
        priority: 1,
        sender: { phone: "+15005550006" },
        config: {},
        cost_per_unit: 0.01,
        currency: "USD",
      },
    });
    expect(p.status).toBe(201);
    const b = await call(budgets.POST, {
      method: "POST",
      key,
      body: {
        name: "SMS marketing",
        amount: 0.05,
        currency: "USD",
        channel: "sms",
        category: "marketing",
        alert_emails: [],
        hard_stop: true,
      },
    });
    expect(b.status).toBe(201);
    const t = await call(templates.POST, {
      method: "POST",
      key,
      body: { channel: "sms", name: "Promo", body: "Hi {{name}}, 20% off", category: "marketing" },
    });
    const ids: string[] = [];
    const db = await getDb();
    const { contactIds } = await makeAudience(orgId, 12);
    for (let i = 0; i < 2; i++) {
      const [l] = await db
        .insert(lists)
        .values({ orgId, name: `Half ${i}` })
        .returning();
      await db
        .insert(listMembers)
        .values(
          contactIds
            .slice(i * 6, i * 6 + 6)
            .map((contactId) => ({ listId: l?.id as string, contactId, orgId })),
        );
      const c = await call(campaignsRoute.POST, {
        method: "POST",
        key,
        body: { name: `Promo ${i}`, channel: "sms", template_id: t.json.id, audience: { list_ids: [l?.id] } },
      });
      ids.push(c.json.id);
    }
    // Launched together: both freeze, then their batches run side by side.
    for (const id of ids)
      expect((await call(launch.POST, { method: "POST", key, params: { id } })).status).toBe(200);
    const ended = [await runToEnd(key, ids[0] as string), await runToEnd(key, ids[1] as string)];

    const rows = await db
      .select({ status: messages.status, error: messages.error, cost: messages.cost })
      .from(messages)
      .where(inArray(messages.campaignId, ids));
    expect(rows).toHaveLength(12);
    const sent = rows.filter((r) => r.status === "sent" || r.status === "delivered");
    const refused = rows.filter((r) => r.status === "rejected" && r.error === "budget_exceeded");
    // 5 × 0.01 fit in 0.05: never more, and every other recipient is refused, none lost.
    expect(sent.length).toBe(5);
    expect(refused.length).toBe(7);
    expect(ended.every((c) => c.status === "paused" || c.status === "completed")).toBe(true);
    expect(ended.some((c) => c.status === "paused" && c.paused_reason === "budget_exceeded")).toBe(true);

    const budget = (await call(budgetOne.GET, { key, params: { id: b.json.id } })).json;
    expect(budget.reserved).toBe(0);
    expect(budget.spent).toBeLessThanOrEqual(0.05);

    // OTP (and transactional) are never stopped by a budget.
    const otp = await call(sms.POST, {
      method: "POST",
      key,
      body: { to: "+12025550199", message: "Your code is 123456", category: "otp" },
    });
    expect(otp.status).toBe(202);
    await drainJobs();
    const detail = await call(messageOne.GET, { key, params: { id: otp.json.id } });
    expect(detail.json.status).toBe("sent");
    const refusedEvent = await db
      .select({ id: messages.id })
      .from(messages)
      .where(and(inArray(messages.campaignId, ids), eq(messages.error, "budget_exceeded")))
      .limit(1);
    const one = await call(messageOne.GET, { key, params: { id: refusedEvent[0]?.id as string } });
    expect(one.json.events.map((e: { type: string }) => e.type)).toContain("rejected");
  }, 120_000);
});
