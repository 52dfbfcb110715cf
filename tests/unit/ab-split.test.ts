import { describe, expect, it } from "vitest";
import { describeSplit, EMPTY_WIZARD } from "@/components/campaigns/wizard-state";
import { bestVariant, testGroupSize } from "@/lib/services/campaigns/ab";

const variants = [
  { name: "A", template_id: "a" },
  { name: "B", template_id: "b" },
  { name: "C", template_id: "c" },
];
const row = (name: string, sent: number, clicked: number, opened = 0, delivered = 0) => ({
  name,
  targeted: sent,
  sent,
  delivered,
  opened,
  clicked,
});

describe("A/B split and winner", () => {
  it("words the split as the review shows it", () => {
    const state = { ...EMPTY_WIZARD, abEnabled: true, testPercent: "10", metric: "clicks" as const };
    expect(describeSplit(state)).toBe(
      "10 % test: 5 % A, 5 % B; 90 % wait for the winner after 60 min by clicks",
    );
    expect(describeSplit({ ...state, metric: "manual", waitMinutes: "" })).toBe(
      "10 % test: 5 % A, 5 % B; 90 % wait for the winner you pick",
    );
    expect(describeSplit({ ...state, testPercent: "150" })).toBeNull();
    expect(describeSplit({ ...state, abEnabled: false })).toBeNull();
  });

  it("picks the best rate over sent, the first variant on a tie, and sizes the test group by rounding", () => {
    expect(bestVariant(variants, [row("A", 10, 1), row("B", 100, 20), row("C", 10, 2)], "clicks")).toBe("B");
    expect(bestVariant(variants, [row("A", 10, 2), row("B", 20, 4), row("C", 10, 2)], "clicks")).toBe("A");
    expect(bestVariant(variants, [row("A", 0, 0), row("B", 0, 0), row("C", 0, 0)], "opens")).toBe("A");
    expect(bestVariant(variants, [row("A", 10, 0, 1), row("B", 10, 0, 3), row("C", 10, 9, 2)], "opens")).toBe(
      "B",
    );
    expect(testGroupSize(10_000, 30)).toBe(3000);
    expect(testGroupSize(15, 10)).toBe(2);
  });
});
