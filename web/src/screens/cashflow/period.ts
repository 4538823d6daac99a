/** Periods of the cash-flow screen: named presets to `from`/`to` days (ISO dates, both included). */

export type Preset = "this-month" | "last-month" | "last-3-months" | "this-year" | "last-12-months";

export const PRESETS: { value: Preset; label: string }[] = [
  { value: "this-month", label: "This month" },
  { value: "last-month", label: "Last month" },
  { value: "last-3-months", label: "Last 3 months" },
  { value: "this-year", label: "This year" },
  { value: "last-12-months", label: "Last 12 months" },
];

function iso(year: number, month: number, day: number): string {
  // Normalised through UTC (month -1 or 12 roll over the year), never the local time zone.
  const date = new Date(Date.UTC(year, month, day));
  return date.toISOString().slice(0, 10);
}

/** The days of a preset, around `today` ("2026-03-18"). */
export function presetPeriod(preset: Preset, today: string): { from: string; to: string } {
  const [year = 1970, month = 1] = today.split("-").map(Number);
  const m = month - 1;
  switch (preset) {
    case "this-month":
      return { from: iso(year, m, 1), to: iso(year, m + 1, 0) };
    case "last-month":
      return { from: iso(year, m - 1, 1), to: iso(year, m, 0) };
    case "last-3-months":
      return { from: iso(year, m - 2, 1), to: iso(year, m + 1, 0) };
    case "this-year":
      return { from: iso(year, 0, 1), to: iso(year, 11, 31) };
    case "last-12-months":
      return { from: iso(year, m - 11, 1), to: iso(year, m + 1, 0) };
  }
}
