import type { SankeyNodeKind } from "../../gql/graphql";
import { fromMinor, toMinor, type MoneyValue } from "../../lib/money";

/** A diagram as the API sends it: nodes, and links by node index with exact money. */
export interface Diagram {
  nodes: readonly { id: string; label: string; kind: SankeyNodeKind }[];
  links: readonly { source: number; target: number; value: MoneyValue }[];
}

export interface NodeTotals {
  inflow: MoneyValue;
  outflow: MoneyValue;
}

/** What flows into and out of each node, summed exactly (bigint minor units). */
export function nodeTotals(diagram: Diagram, currency: string): NodeTotals[] {
  const inflow = diagram.nodes.map(() => 0n);
  const outflow = diagram.nodes.map(() => 0n);
  for (const link of diagram.links) {
    const minor = toMinor(link.value.amount, currency);
    inflow[link.target] = (inflow[link.target] ?? 0n) + minor;
    outflow[link.source] = (outflow[link.source] ?? 0n) + minor;
  }
  return diagram.nodes.map((_, i) => ({
    inflow: { amount: fromMinor(inflow[i] ?? 0n, currency), currency },
    outflow: { amount: fromMinor(outflow[i] ?? 0n, currency), currency },
  }));
}

/** The money through a node: what came in, or for a source what went out. */
export function throughput(totals: NodeTotals, currency: string): MoneyValue {
  const inflow = toMinor(totals.inflow.amount, currency);
  const outflow = toMinor(totals.outflow.amount, currency);
  return inflow >= outflow ? totals.inflow : totals.outflow;
}

/** The column of each node: the longest path of links leading to it (a diagram is acyclic). */
export function depths(diagram: Diagram): number[] {
  const depth = diagram.nodes.map(() => 0);
  for (let round = 0; round < diagram.nodes.length; round++) {
    let changed = false;
    for (const link of diagram.links) {
      const next = (depth[link.source] ?? 0) + 1;
      if (next > (depth[link.target] ?? 0)) {
        depth[link.target] = next;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return depth;
}

/** The most nodes in one column: how tall the chart needs to be. */
export function tallestColumn(diagram: Diagram): number {
  const counts = new Map<number, number>();
  for (const d of depths(diagram)) counts.set(d, (counts.get(d) ?? 0) + 1);
  return Math.max(0, ...counts.values());
}

export const KIND_COLORS: Record<SankeyNodeKind, string> = {
  INCOME: "#2e8b57",
  ACCOUNT: "#1f6f78",
  ENVELOPE: "#3a78c2",
  PAYEE: "#7a8a90",
  OTHER_PAYEES: "#a9b4b8",
  FROM_BALANCE: "#c98a1b",
  TO_BALANCE: "#5aa469",
  TRANSFERS_IN: "#d08a3c",
  TRANSFERS_OUT: "#d08a3c",
  EXPENSE: "#c0504d",
  SAVINGS: "#5aa469",
  INVESTMENT: "#7b5ea7",
  DEBT: "#a33b3b",
};

export const KIND_LABELS: Record<SankeyNodeKind, string> = {
  INCOME: "Income",
  ACCOUNT: "Account",
  ENVELOPE: "Envelope",
  PAYEE: "Payee",
  OTHER_PAYEES: "Other payees",
  FROM_BALANCE: "From balance",
  TO_BALANCE: "Kept",
  TRANSFERS_IN: "Transfers in",
  TRANSFERS_OUT: "Transfers out",
  EXPENSE: "Expense",
  SAVINGS: "Savings",
  INVESTMENT: "Investment",
  DEBT: "Debt",
};
