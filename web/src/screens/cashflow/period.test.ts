import { describe, expect, it } from "vitest";

import { presetPeriod } from "./period";

describe("periods", () => {
  it("are whole months around today, across a year's end", () => {
    expect(presetPeriod("this-month", "2026-02-14")).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(presetPeriod("last-month", "2026-01-05")).toEqual({ from: "2025-12-01", to: "2025-12-31" });
    expect(presetPeriod("last-3-months", "2026-02-14")).toEqual({ from: "2025-12-01", to: "2026-02-28" });
    expect(presetPeriod("this-year", "2026-07-01")).toEqual({ from: "2026-01-01", to: "2026-12-31" });
    expect(presetPeriod("last-12-months", "2026-03-31")).toEqual({ from: "2025-04-01", to: "2026-03-31" });
  });
});
