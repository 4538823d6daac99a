import { addAmounts, formatMoney, fromMinor, parseAmount, percentOf, toMinor } from "./money";

describe("parseAmount", () => {
  it.each([
    ["12.5", "EUR", "12.50"],
    ["12,5", "EUR", "12.50"],
    ["1 234,56", "EUR", "1234.56"],
    ["1.234,56", "EUR", "1234.56"],
    ["1,234.56", "USD", "1234.56"],
    ["1,234", "EUR", "1234.00"],
    ["€ 7", "EUR", "7.00"],
    ["0.10", "EUR", "0.10"],
    ["1500", "JPY", "1500"],
    ["1.250", "KWD", "1.250"],
    ["99999999999.99", "EUR", "99999999999.99"],
  ])("reads %s %s as %s", (text, currency, amount) => {
    expect(parseAmount(text, currency)).toEqual({ ok: true, amount });
  });

  it.each([
    ["", "EUR", "Enter an amount."],
    ["abc", "EUR", "Enter an amount like 12.50."],
    ["12.345", "EUR", "At most 2 decimals."],
    ["12.5", "JPY", "JPY has no decimals."],
    ["0", "EUR", "Enter an amount above zero."],
    ["-4", "EUR", "Enter a positive amount."],
    ["12345678901234", "EUR", "That amount is too large."],
  ])("refuses %s %s", (text, currency, message) => {
    expect(parseAmount(text, currency)).toEqual({ ok: false, message });
  });

  it("keeps a sign when asked to", () => {
    expect(parseAmount("-4,2", "EUR", { allowNegative: true })).toEqual({ ok: true, amount: "-4.20" });
  });
});

describe("minor units", () => {
  it("round-trips without floats", () => {
    expect(toMinor("0.10", "EUR") + toMinor("0.20", "EUR")).toBe(30n);
    expect(fromMinor(30n, "EUR")).toBe("0.30");
    expect(fromMinor(-5n, "EUR")).toBe("-0.05");
    expect(fromMinor(1500n, "JPY")).toBe("1500");
    expect(addAmounts("EUR", "0.10", "0.20", "-0.05")).toBe("0.25");
    // Beyond 2^53: still exact.
    expect(addAmounts("EUR", "90071992547409.91", "0.01")).toBe("90071992547409.92");
  });

  it("computes progress on minor units", () => {
    expect(percentOf("25.00", "100.00", "EUR")).toBe(25);
    expect(percentOf("150.00", "100.00", "EUR")).toBe(100);
    expect(percentOf("5.00", "0.00", "EUR")).toBe(0);
  });
});

describe("formatMoney", () => {
  it("formats the exact decimal string in a locale", () => {
    expect(formatMoney({ amount: "1234.50", currency: "EUR" }, { locale: "en-IE" })).toBe("€1,234.50");
    expect(formatMoney({ amount: "1234.50", currency: "EUR" }, { locale: "de-DE" })).toBe("1.234,50\u00a0€");
    expect(formatMoney({ amount: "90071992547409.93", currency: "USD" }, { locale: "en-US" })).toBe(
      "$90,071,992,547,409.93",
    );
    expect(formatMoney({ amount: "-3.00", currency: "EUR" }, { locale: "en-IE" })).toBe("-€3.00");
  });
});
