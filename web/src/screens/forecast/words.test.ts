import { describe, expect, it } from "vitest";

import { honestNote, METHOD_LABEL, monthLabel, statedError } from "./words";

describe("forecast words", () => {
  it("states the backtest error as a typical miss and a MASE", () => {
    expect(statedError({ amount: "12.40", currency: "EUR" }, 0.7149)).toMatch(/^±€12\.40 typical error, MASE 0\.71$/);
    expect(statedError({ amount: "0.00", currency: "EUR" }, null)).toMatch(/^±€0\.00 typical error$/);
  });

  it("names every method in plain words", () => {
    expect(METHOD_LABEL.INSUFFICIENT_HISTORY).toBe("Your plan");
    expect(METHOD_LABEL.SEASONAL_NAIVE).toBe("Same month last year");
  });

  it("labels a month by its first day, whatever the time zone", () => {
    expect(monthLabel("2026-11-01")).toMatch(/2026/);
    expect(monthLabel("2027-01-01")).toMatch(/2027/);
  });

  it("says honestly what a forecast without enough history stands on", () => {
    expect(honestNote("Only 2 of the 6 months of history needed to learn from: using the plan.")).toBe("Not enough history yet — using your plan");
    expect(honestNote("No spending history to learn from yet: using the schedules.")).toBe("Not enough history yet — using your schedules");
    expect(honestNote("No spending history, plan or schedule yet.")).toBe("No spending yet");
  });
});
