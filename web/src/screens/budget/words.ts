import type { CadenceKind, GoalKind, GoalStatus, Rollover } from "../../gql/graphql";
import { formatDate } from "../../lib/ids";

/** Plain words for the budget's rules (README, "Budgeting"). */
export const GOAL_KINDS: { kind: GoalKind; label: string; explain: string }[] = [
  {
    kind: "SAVE",
    label: "Save up to a target",
    explain:
      "Build the envelope up to the target. With a date, each period asks for an even share of what is still missing; money spent from it is asked back.",
  },
  {
    kind: "KEEP_AT_LEAST",
    label: "Keep at least",
    explain: "Keep at least the target in the envelope: each period asks for whatever brings it back up to the target.",
  },
  {
    kind: "PER_PERIOD",
    label: "Put in every period",
    explain: "Put the target into the envelope every period, whatever it already holds.",
  },
];

export const GOAL_KIND_LABEL: Record<GoalKind, string> = {
  SAVE: "Save",
  KEEP_AT_LEAST: "Keep at least",
  PER_PERIOD: "Every period",
};

export const GOAL_STATUS_LABEL: Record<GoalStatus, string> = {
  REACHED: "Reached",
  ON_TRACK: "On track",
  BEHIND: "Behind",
};

export const ROLLOVERS: { value: Rollover; label: string; explain: string }[] = [
  { value: "KEEP", label: "Keep what is left", explain: "Leftover stays in the envelope and carries into the next period." },
  {
    value: "SWEEP",
    label: "Send what is left back",
    explain: "At the end of each period, whatever is left goes back to Ready to assign.",
  },
];

export const ROLLOVER_SHORT: Record<Rollover, string> = {
  KEEP: "keeps leftover",
  SWEEP: "leftover goes back",
};

export const CADENCE_KINDS: { kind: CadenceKind; label: string }[] = [
  { kind: "WEEKLY", label: "Every week" },
  { kind: "FORTNIGHTLY", label: "Every two weeks" },
  { kind: "SEMI_MONTHLY", label: "Twice a month" },
  { kind: "MONTHLY", label: "Every month" },
  { kind: "QUARTERLY", label: "Every quarter" },
  { kind: "YEARLY", label: "Every year" },
];

const rangeFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/** "2024-05-01", "2024-05-31" → "1–31 May 2024" (calendar dates, no time-zone shift). */
export function periodLabel(start: string, lastDay: string): string {
  const a = new Date(`${start}T00:00:00Z`);
  const b = new Date(`${lastDay}T00:00:00Z`);
  if (typeof rangeFormat.formatRange === "function") return rangeFormat.formatRange(a, b);
  return `${formatDate(start)} – ${formatDate(lastDay)}`;
}

export const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Bar colours of the budget charts (planned, funded, spent). */
export const CHART_COLORS = { planned: "#8aa4bd", funded: "#2f6f5e", spent: "#d08a1c" };
