import { describe, expect, it } from "vitest";
import { formatMoney } from "@/lib/format/money";

describe("formatMoney: one way to show money in the console", () => {
  it("shows two decimals, and up to four for fractions of a cent", () => {
    expect(formatMoney(0, "USD")).toBe("$0.00");
    expect(formatMoney(12.5, "EUR")).toBe("€12.50");
    expect(formatMoney(0.0079, "USD")).toBe("$0.0079");
    expect(formatMoney(0.00795, "USD")).toBe("$0.008");
  });

  it("shows the same decimals without a currency, and a dash without an amount", () => {
    expect(formatMoney(0, null)).toBe("0.00");
    expect(formatMoney(0.0079, null)).toBe("0.0079");
    expect(formatMoney(null, "USD")).toBe("—");
  });

  it("falls back to the code for a currency Intl does not know", () => {
    expect(formatMoney(1.5, "XYZ1")).toBe("1.50 XYZ1");
  });
});
