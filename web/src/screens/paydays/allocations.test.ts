import { paydayFill, summarizeAllocations } from "./allocations";

describe("summarizeAllocations (left for Ready to assign)", () => {
  it("subtracts on minor units, exactly", () => {
    // As floats 0.1 + 0.2 is 0.30000000000000004: minor units give exact cents.
    expect(summarizeAllocations("2500", [{ amount: "0.10" }, { amount: "0,20" }], "EUR")).toEqual({
      allocated: "0.30",
      left: "2499.70",
      over: false,
      expectedMissing: false,
    });
    expect(summarizeAllocations("1 234,56", [{ amount: "1000" }, { amount: "234.55" }], "EUR").left).toBe("0.01");
    expect(summarizeAllocations("99999999999.99", [{ amount: "0.01" }], "EUR").left).toBe("99999999999.98");
  });

  it("follows the currency's digits", () => {
    expect(summarizeAllocations("300000", [{ amount: "120000" }], "JPY").left).toBe("180000");
    expect(summarizeAllocations("1.000", [{ amount: "0.125" }], "KWD").left).toBe("0.875");
  });

  it("flags allocations above the expected pay, and ignores rows not yet typed", () => {
    expect(summarizeAllocations("100", [{ amount: "60" }, { amount: "40.01" }], "EUR")).toMatchObject({ left: "-0.01", over: true });
    expect(summarizeAllocations("100", [{ amount: "" }, { amount: "abc" }, { amount: "25" }], "EUR").left).toBe("75.00");
    expect(summarizeAllocations("", [{ amount: "25" }], "EUR")).toMatchObject({ expectedMissing: true, left: "-25.00" });
  });
});

describe("paydayFill (the payday rule)", () => {
  const rows = [
    { envelope: "Rent", amount: { amount: "800.00" } },
    { envelope: "Food", amount: { amount: "300.00" } },
    { envelope: "Fun", amount: { amount: "100.00" } },
  ];
  it("fills in order while money lasts", () => {
    const short = paydayFill("950.00", rows, "EUR");
    expect(short.rows.map((r) => r.filled)).toEqual(["800.00", "150.00", "0.00"]);
    expect(short.rest).toBe("0.00");
  });
  it("sends what exceeds every allocation to Ready to assign", () => {
    const more = paydayFill("1500.10", rows, "EUR");
    expect(more.rows.map((r) => r.filled)).toEqual(["800.00", "300.00", "100.00"]);
    expect(more.rest).toBe("300.10");
  });
});
