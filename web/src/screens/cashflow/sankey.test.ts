import { describe, expect, it } from "vitest";

import { depths, nodeTotals, tallestColumn, throughput, type Diagram } from "./sankey";

const eur = (amount: string) => ({ amount, currency: "EUR" });

const DIAGRAM: Diagram = {
  nodes: [
    { id: "income:acme", label: "Acme", kind: "INCOME" },
    { id: "balance:from", label: "From balance", kind: "FROM_BALANCE" },
    { id: "account:a", label: "Checking", kind: "ACCOUNT" },
    { id: "envelope:f", label: "Food", kind: "ENVELOPE" },
    { id: "payee:m", label: "Market", kind: "PAYEE" },
  ],
  links: [
    { source: 0, target: 2, value: eur("0.10") },
    { source: 1, target: 2, value: eur("0.20") },
    { source: 2, target: 3, value: eur("0.30") },
    { source: 3, target: 4, value: eur("0.30") },
  ],
};

describe("a diagram's figures", () => {
  it("sums what flows through each node exactly (0.1 + 0.2 is 0.30)", () => {
    const totals = nodeTotals(DIAGRAM, "EUR");
    expect(totals[2]).toEqual({ inflow: eur("0.30"), outflow: eur("0.30") });
    expect(throughput(totals[0]!, "EUR")).toEqual(eur("0.10"));
    expect(throughput(totals[4]!, "EUR")).toEqual(eur("0.30"));
  });

  it("puts each node in the column after its sources", () => {
    expect(depths(DIAGRAM)).toEqual([0, 0, 1, 2, 3]);
    expect(tallestColumn(DIAGRAM)).toBe(2);
  });
});
