import { describe, expect, it } from "vitest";
import { toMicros } from "@/lib/services/budgets/budgets";
import { decimal, monthPeriod } from "@/lib/services/budgets/period";
import { projectionOf } from "@/lib/services/budgets/spend";
import { percentile } from "@/lib/services/stats/range";

describe("budget projection", () => {
  it("says on which day the budget runs out at this rate", () => {
    // 10 days into a 30-day month, 43.48 of 100 spent: 100 % after 22.999 days, late on the 23rd.
    const now = new Date("2026-11-11T00:00:00Z");
    const p = projectionOf({ amount: "100" }, 43.48, now);
    expect(p.sentence).toBe("At this rate 100 % on the 23rd");
    expect(p.projected).toBeCloseTo(130.44, 2);
  });

  it("says the month-end percentage when it will not run out, and over budget when it has", () => {
    const now = new Date("2026-11-16T00:00:00Z");
    expect(projectionOf({ amount: "100" }, 10, now).sentence).toBe(
      "At this rate 20 % by the end of the month",
    );
    expect(projectionOf({ amount: "100" }, 120, now).sentence).toMatch(/^Over budget/);
    expect(projectionOf({ amount: "100" }, 0, now).sentence).toBe("Nothing spent yet this month");
  });

  it("periods are UTC calendar months; money converts exactly", () => {
    expect(monthPeriod(new Date("2026-12-31T23:59:59Z"))).toMatchObject({ start: "2026-12-01" });
    expect(monthPeriod(new Date("2026-12-31T23:59:59Z")).until.toISOString()).toBe(
      "2027-01-01T00:00:00.000Z",
    );
    expect(decimal(0.1 + 0.2)).toBe("0.300000");
    expect(toMicros("12.3456789")).toBe(12_345_678n);
    expect(toMicros("-0.5")).toBe(-500_000n);
  });

  it("reads p50/p95 from the delivery histogram", () => {
    const row = { h0: 50, h1: 0, h2: 45, h3: 5 };
    expect(percentile(row, 0.5)).toBe(1);
    expect(percentile(row, 0.95)).toBe(5);
    expect(percentile(row, 0.99)).toBe(10);
    expect(percentile({}, 0.5)).toBeNull();
  });
});
