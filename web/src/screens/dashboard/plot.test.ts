import { describe, expect, it } from "vitest";

import { firstDay, lastMonths, monthLabel, monthValue, plotValue } from "./plot";

describe("plotValue", () => {
  it("draws exact minor units", () => {
    expect(plotValue({ money: { amount: "1234.99", currency: "EUR" }, missing: [] })).toBe(123499);
    expect(plotValue({ money: { amount: "-12.50", currency: "EUR" }, missing: [] })).toBe(-1250);
    expect(plotValue({ money: { amount: "10000", currency: "JPY" }, missing: [] })).toBe(10000);
    expect(plotValue({ money: { amount: "9999999999999.99", currency: "EUR" }, missing: [] })).toBe(999999999999999);
  });

  it("leaves a gap for a missing figure, never 0", () => {
    expect(plotValue({ money: null, missing: ["JPY"] })).toBeNull();
  });
});

describe("months", () => {
  it("labels and converts month values", () => {
    expect(monthLabel("2025-03-01")).toBe("Mar 2025");
    expect(monthValue("2025-03-01")).toBe("2025-03");
    expect(firstDay("2025-03")).toBe("2025-03-01");
  });

  it("counts back across a year end", () => {
    expect(lastMonths(new Date(2026, 1, 15), 12)).toEqual({ from: "2025-03", to: "2026-02" });
  });
});
