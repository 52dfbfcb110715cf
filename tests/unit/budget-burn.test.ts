import { describe, expect, it } from "vitest";
import { burnSeries } from "@/lib/format/budget-burn";

describe("burnSeries", () => {
  const budget = { period_start: "2026-11-01", period_end: "2026-11-30", projected_total: 30 };

  it("adds up spend to today and draws the projection from there to the month end", () => {
    const rows = burnSeries(
      budget,
      [
        { key: "2026-11-01", cost: 1 },
        { key: "2026-11-03", cost: 2.5 },
        { key: "2026-11-10", cost: 0.000001 },
        { key: "2026-11-20", cost: 99 }, // after today: not yet spent
      ],
      "2026-11-10",
    );
    expect(rows).toHaveLength(30);
    expect(rows[0]).toEqual({ date: "2026-11-01", spent: 1, projected: null });
    expect(rows[1]?.spent).toBe(1);
    expect(rows[2]?.spent).toBe(3.5);
    expect(rows[9]).toEqual({ date: "2026-11-10", spent: 3.500001, projected: 3.500001 });
    expect(rows[10]?.spent).toBeNull();
    expect(rows[29]).toEqual({ date: "2026-11-30", spent: null, projected: 30 });
    // Halfway between today and the end, halfway to the projection.
    expect(rows[19]?.projected).toBeCloseTo(3.500001 + (30 - 3.500001) / 2, 6);
  });

  it("clamps a today outside the period", () => {
    const before = burnSeries(budget, [], "2026-10-15");
    expect(before[0]).toEqual({ date: "2026-11-01", spent: 0, projected: 0 });
    const after = burnSeries(budget, [{ key: "2026-11-30", cost: 4 }], "2026-12-05");
    // The period is over: the projection is what was spent.
    expect(after[29]).toEqual({ date: "2026-11-30", spent: 4, projected: 4 });
  });
});
