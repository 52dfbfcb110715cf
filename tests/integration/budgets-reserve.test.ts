import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { budgetPeriods, budgetReservations, budgets } from "@/lib/db/schema";
import { monthPeriod } from "@/lib/services/budgets/period";
import { type ReserveInput, reserveBudget, settleBudget } from "@/lib/services/budgets/reserve";
import { makeOrg } from "../factories";

async function budget(orgId: string, fields: Partial<typeof budgets.$inferInsert> = {}) {
  const db = await getDb();
  const [b] = await db
    .insert(budgets)
    .values({ orgId, name: "Marketing SMS", amount: "1.000000", currency: "USD", hardStop: true, ...fields })
    .returning();
  if (!b) throw new Error("no budget");
  return b;
}

async function periodRow(budgetId: string, now = new Date()) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(budgetPeriods)
    .where(and(eq(budgetPeriods.budgetId, budgetId), eq(budgetPeriods.periodStart, monthPeriod(now).start)));
  return row;
}

const msg = (
  orgId: string,
  category: string,
  estimatedCost: string,
  channel: "sms" | "email" = "sms",
): ReserveInput => ({
  id: randomUUID(),
  orgId,
  channel,
  category,
  estimatedCost,
});

describe("budget reservations", () => {
  it("hard stop refuses marketing that no longer fits and always lets OTP and transactional through", async () => {
    const { orgId } = await makeOrg();
    const b = await budget(orgId);
    const db = await getDb();
    const marketing = Array.from({ length: 5 }, () => msg(orgId, "marketing", "0.300000"));
    const otp = msg(orgId, "otp", "0.500000");
    const transactional = msg(orgId, "transactional", "0.250000");
    const result = await reserveBudget(db, [...marketing, otp, transactional]);
    // OTP + transactional take 0.75 of 1.00 first; one marketing message (0.30) would overshoot.
    expect(result.get(otp.id)).toEqual({ ok: true, budgetIds: [b.id] });
    expect(result.get(transactional.id)).toEqual({ ok: true, budgetIds: [b.id] });
    expect(marketing.filter((m) => result.get(m.id)?.ok).length).toBe(0);
    expect(marketing.every((m) => result.get(m.id)?.ok === false)).toBe(true);
    expect((await periodRow(b.id))?.reserved).toBe("0.750000");

    // OTP still passes once the budget is exhausted.
    const late = msg(orgId, "otp", "0.900000");
    expect((await reserveBudget(db, [late])).get(late.id)?.ok).toBe(true);
    expect((await periodRow(b.id))?.reserved).toBe("1.650000");
  });

  it("reserves as many marketing messages as fit, and settle moves reserved to spent", async () => {
    const { orgId } = await makeOrg();
    const b = await budget(orgId, { amount: "1.000000" });
    const db = await getDb();
    const batch = Array.from({ length: 7 }, () => msg(orgId, "marketing", "0.150000"));
    const result = await reserveBudget(db, batch);
    const ok = batch.filter((m) => result.get(m.id)?.ok);
    expect(ok.length).toBe(6); // 6 × 0.15 = 0.90 ≤ 1.00 < 1.05
    expect((await periodRow(b.id))?.reserved).toBe("0.900000");

    // Four sent (one priced lower by the provider), two never sent: released.
    await settleBudget(db, [
      ...ok.slice(0, 3).map((m) => ({ id: m.id, cost: "0.150000" })),
      { id: ok[3]?.id as string, cost: "0.120000" },
      ...ok.slice(4).map((m) => ({ id: m.id, cost: null })),
    ]);
    const row = await periodRow(b.id);
    expect(row?.reserved).toBe("0.000000");
    expect(row?.spent).toBe("0.570000");
    expect(await db.select().from(budgetReservations).where(eq(budgetReservations.budgetId, b.id))).toEqual(
      [],
    );
    // Settling again changes nothing.
    await settleBudget(
      db,
      ok.map((m) => ({ id: m.id, cost: "1" })),
    );
    expect((await periodRow(b.id))?.spent).toBe("0.570000");
  });

  it("a budget without hard stop, or for another channel or category, refuses nothing", async () => {
    const { orgId } = await makeOrg();
    const soft = await budget(orgId, { hardStop: false, amount: "0.100000" });
    const emailOnly = await budget(orgId, { channel: "email", amount: "0.100000" });
    const db = await getDb();
    const sms = msg(orgId, "marketing", "0.500000");
    const email = msg(orgId, "marketing", "0.500000", "email");
    const result = await reserveBudget(db, [sms, email]);
    expect(result.get(sms.id)).toEqual({ ok: true, budgetIds: [soft.id] });
    // The email budget refuses the email; the soft budget gives back what it reserved for it.
    expect(result.get(email.id)).toEqual({ ok: false });
    expect((await periodRow(soft.id))?.reserved).toBe("0.500000");
    expect((await periodRow(emailOnly.id))?.reserved).toBe("0.000000");
  });

  it("two campaigns reserving at once against one budget never exceed it", async () => {
    const { orgId } = await makeOrg();
    const b = await budget(orgId, { amount: "10.000000" });
    const db = await getDb();
    // Two "campaigns" of 40 × 0.17 each launched together: 80 × 0.17 = 13.60 would overshoot 10.00.
    const a = Array.from({ length: 40 }, () => msg(orgId, "marketing", "0.170000"));
    const c = Array.from({ length: 40 }, () => msg(orgId, "marketing", "0.170000"));
    const chunks = [a.slice(0, 20), c.slice(0, 20), a.slice(20), c.slice(20)];
    const results = await Promise.all(chunks.map((chunk) => reserveBudget(db, chunk)));
    const accepted = results.flatMap((r) => [...r.values()]).filter((o) => o.ok).length;
    expect(accepted).toBe(58); // floor(10.00 / 0.17)
    const row = await periodRow(b.id);
    expect(Number(row?.reserved)).toBeLessThanOrEqual(10);
    expect(row?.reserved).toBe("9.860000");
  });
});

describe("budget headroom (campaign wizard)", () => {
  it("says what remains and whether a marketing send fits; OTP always fits", async () => {
    const { budgetHeadroom } = await import("@/lib/services/budgets/headroom");
    const { ctx, orgId } = await makeOrg();
    const b = await budget(orgId, { amount: "2.000000" });
    await reserveBudget(await getDb(), [msg(orgId, "otp", "0.500000")]);
    const small = await budgetHeadroom({
      ctx,
      input: { channel: "sms", category: "marketing", estimatedCost: 1.5 },
    });
    expect(small).toEqual({
      fits: true,
      budgets: [
        { id: b.id, name: "Marketing SMS", currency: "USD", remaining: 1.5, hard_stop: true, fits: true },
      ],
    });
    const big = await budgetHeadroom({
      ctx,
      input: { channel: "sms", category: "marketing", estimatedCost: 1.500001 },
    });
    expect(big.fits).toBe(false);
    const otp = await budgetHeadroom({ ctx, input: { channel: "sms", category: "otp", estimatedCost: 100 } });
    expect(otp.fits).toBe(true);
    const email = await budgetHeadroom({
      ctx,
      input: { channel: "email", category: "marketing", estimatedCost: 100 },
    });
    expect(email.fits).toBe(false); // the budget has no channel: it covers email too
  });
});

describe("rejectOverBudget", () => {
  it("rejects refused messages with budget_exceeded, once, leaving sent ones alone", async () => {
    const { rejectOverBudget } = await import("@/lib/services/budgets/reserve");
    const { insertMessages } = await import("../cost-fixtures");
    const { messages, messageEvents } = await import("@/lib/db/schema");
    const { inArray } = await import("drizzle-orm");
    const { orgId } = await makeOrg();
    const rows = await insertMessages(orgId, [
      { status: "queued", category: "marketing" },
      { status: "queued", category: "marketing" },
      { status: "delivered", category: "marketing" },
    ]);
    const ids = rows.map((r) => r.id);
    const db = await getDb();
    expect((await rejectOverBudget(db, ids)).sort()).toEqual(ids.slice(0, 2).sort());
    expect(await rejectOverBudget(db, ids)).toEqual([]);
    const after = await db.select().from(messages).where(inArray(messages.id, ids));
    expect(after.filter((m) => m.status === "rejected" && m.error === "budget_exceeded")).toHaveLength(2);
    const events = await db.select().from(messageEvents).where(inArray(messageEvents.messageId, ids));
    expect(events.map((e) => e.type)).toEqual(["rejected", "rejected"]);
  });
});
