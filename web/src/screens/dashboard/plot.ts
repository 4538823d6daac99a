import { toMinor, type MoneyValue } from "../../lib/money";

/** A month's figure: its amount, or the currencies whose rate was missing (`money` null). */
export interface MonthPoint {
  money: MoneyValue | null;
  missing: readonly string[];
}

/**
 * The number a chart draws for a figure, and the only number derived from money here: minor
 * units as an exact integer (every amount the API allows is below 2^53), as the budget charts
 * do. A missing figure is null, a gap in the line, never 0. Nothing shown to a person is
 * computed from it: labels are the API's decimal strings, axis ticks whole currency units.
 */
export function plotValue(point: MonthPoint): number | null {
  return point.money ? Number(toMinor(point.money.amount, point.money.currency)) : null;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2025-03-01" → "Mar 2025" (the API's months are their first days). */
export function monthLabel(day: string): string {
  const [year = "", month = "1"] = day.split("-");
  return `${MONTHS[Number(month) - 1] ?? month} ${year}`;
}

/** "2025-03-01" → "2025-03" (a month input's value). */
export function monthValue(day: string): string {
  return day.slice(0, 7);
}

/** The first day of a month input's value ("2025-03" → "2025-03-01"). */
export function firstDay(month: string): string {
  return `${month}-01`;
}

/** The months from `count - 1` months before `today`'s to `today`'s, as month values. */
export function lastMonths(today: Date, count: number): { from: string; to: string } {
  const year = today.getFullYear();
  const month = today.getMonth();
  const start = new Date(year, month - (count - 1), 1);
  const pad = (n: number) => String(n).padStart(2, "0");
  return {
    from: `${start.getFullYear()}-${pad(start.getMonth() + 1)}`,
    to: `${year}-${pad(month + 1)}`,
  };
}
