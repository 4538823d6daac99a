import type { ForecastMethod } from "../../gql/graphql";
import { formatMoney, type MoneyValue } from "../../lib/money";

/** Plain words for the forecast methods (README, "Forecasts"). */
export const METHOD_LABEL: Record<ForecastMethod, string> = {
  LAST_VALUE: "Same as last month",
  SEASONAL_NAIVE: "Same month last year",
  MOVING_AVERAGE_3: "Average of 3 months",
  MOVING_AVERAGE_6: "Average of 6 months",
  EXPONENTIAL_SMOOTHING: "Smoothed trend",
  HOLT_WINTERS: "Seasonal pattern",
  INSUFFICIENT_HISTORY: "Your plan",
};

/** "±€12.40 typical error, MASE 0.71" — the backtest's own error, as the API states it. */
export function statedError(mae: MoneyValue, mase: number | null): string {
  const typical = `±${formatMoney(mae)} typical error`;
  return mase === null ? typical : `${typical}, MASE ${mase.toFixed(2)}`;
}

/** "Nov 2026" for a month's first day ("2026-11-01"), in the browser's language. */
export function monthLabel(month: string): string {
  const [year, number] = month.split("-").map(Number);
  return new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(year ?? 1970, (number ?? 1) - 1, 1)),
  );
}

export const HORIZONS = [30, 90, 180, 365] as const;

/** What a forecast that learned nothing stands on, from the API's reason. */
export function honestNote(reason: string | null): string {
  if (reason?.includes("using the plan")) return "Not enough history yet — using your plan";
  if (reason?.includes("using the schedules")) return "Not enough history yet — using your schedules";
  if (reason?.includes("mean of the months seen")) return "Not enough history yet — using the months so far";
  return "No spending yet";
}
