import { fromMinor, parseAmount, toMinor } from "../../lib/money";

export interface AllocationRow {
  envelopeId: string;
  amount: string;
}

export interface AllocationSummary {
  /** The sum of the rows that read as amounts (decimal string). */
  allocated: string;
  /** Expected − allocated: what goes to Ready to assign on a payday of the expected amount. */
  left: string;
  /** The rows add up to more than the expected amount (the API refuses that). */
  over: boolean;
  /** The expected amount does not read as an amount yet. */
  expectedMissing: boolean;
}

/** What a payday of the expected amount leaves for Ready to assign: on minor units, never floats. */
export function summarizeAllocations(expectedText: string, rows: readonly { amount: string }[], currency: string): AllocationSummary {
  const expected = parseAmount(expectedText, currency);
  const allocatedMinor = rows.reduce((sum, row) => {
    const parsed = parseAmount(row.amount, currency);
    return parsed.ok ? sum + toMinor(parsed.amount, currency) : sum;
  }, 0n);
  const expectedMinor = expected.ok ? toMinor(expected.amount, currency) : 0n;
  const leftMinor = expectedMinor - allocatedMinor;
  return {
    allocated: fromMinor(allocatedMinor, currency),
    left: fromMinor(leftMinor, currency),
    over: leftMinor < 0n,
    expectedMissing: !expected.ok,
  };
}

export interface FillRow<T> {
  item: T;
  wanted: string;
  filled: string;
}

/**
 * The payday rule: fixed amounts are filled in the template's order while money lasts (a short
 * pay fills the first envelopes fully, the next one partly, the rest nothing); whatever exceeds
 * every allocation goes to Ready to assign.
 */
export function paydayFill<T extends { amount: { amount: string } }>(
  received: string,
  allocations: readonly T[],
  currency: string,
): { rows: FillRow<T>[]; rest: string } {
  let left = toMinor(received, currency);
  const rows = allocations.map((item) => {
    const wanted = toMinor(item.amount.amount, currency);
    const filled = left <= 0n ? 0n : left < wanted ? left : wanted;
    left -= filled;
    return { item, wanted: fromMinor(wanted, currency), filled: fromMinor(filled, currency) };
  });
  return { rows, rest: fromMinor(left > 0n ? left : 0n, currency) };
}
