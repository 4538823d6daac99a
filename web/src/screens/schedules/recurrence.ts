import type { Frequency, WeekendRule } from "../../gql/graphql";

export interface RecurrenceLike {
  frequency: Frequency;
  startDate: string;
  interval: number;
  dayOfMonth?: number | null | undefined;
  daysOfMonth?: readonly number[] | null | undefined;
  endAfter?: number | null | undefined;
  endDate?: string | null | undefined;
  weekend: WeekendRule;
}

export const LAST_DAY = -1;

/** 1 → "1st", 22 → "22nd", 13 → "13th"; -1 → "last day". */
export function ordinal(day: number): string {
  if (day === LAST_DAY) return "last day";
  const tens = day % 100;
  if (tens >= 11 && tens <= 13) return `${day}th`;
  switch (day % 10) {
    case 1:
      return `${day}st`;
    case 2:
      return `${day}nd`;
    case 3:
      return `${day}rd`;
    default:
      return `${day}th`;
  }
}

function dayPhrase(day: number): string {
  if (day === LAST_DAY) return "the last day";
  if (day > 28) return `the ${ordinal(day)} (or the month's last day)`;
  return `the ${ordinal(day)}`;
}

function asDate(iso: string): Date {
  return new Date(`${iso}T00:00:00Z`);
}

function fmt(iso: string, locale: string | undefined, options: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" }).format(asDate(iso));
}

/** A calendar date in words: "3 Jan 2025" (in the given locale's order). */
export function shortDate(iso: string, locale?: string): string {
  return fmt(iso, locale, { day: "numeric", month: "short", year: "numeric" });
}

const WEEKEND: Record<WeekendRule, string> = {
  AS_IS: "",
  BEFORE: "a weekend date moves to the Friday before",
  AFTER: "a weekend date moves to the Monday after",
};

/**
 * A recurrence rule in plain words: "Monthly on the 1st", "Every 2 weeks on Friday from 3 Jan
 * 2025", "Twice a month on the 15th and the last day, until 31 Dec 2025; a weekend date moves
 * to the Friday before".
 */
export function describeRecurrence(rule: RecurrenceLike, locale?: string): string {
  const n = Math.max(1, rule.interval || 1);
  const from = shortDate(rule.startDate, locale);
  const weekday = fmt(rule.startDate, locale, { weekday: "long" });
  let text: string;
  switch (rule.frequency) {
    case "ONCE":
      text = `Once, on ${from}`;
      break;
    case "DAILY":
      text = n === 1 ? `Every day from ${from}` : `Every ${n} days from ${from}`;
      break;
    case "WEEKLY":
      text = n === 1 ? `Every week on ${weekday}` : `Every ${n} weeks on ${weekday} from ${from}`;
      break;
    case "SEMI_MONTHLY": {
      const [first = 1, second = 15] = rule.daysOfMonth ?? [];
      text = `Twice a month on ${dayPhrase(first)} and ${dayPhrase(second)}`;
      break;
    }
    case "MONTHLY": {
      const day = rule.dayOfMonth ?? asDate(rule.startDate).getUTCDate();
      text = n === 1 ? `Monthly on ${dayPhrase(day)}` : `Every ${n} months on ${dayPhrase(day)}`;
      break;
    }
    case "YEARLY": {
      const on = fmt(rule.startDate, locale, { day: "numeric", month: "long" });
      text = n === 1 ? `Yearly on ${on}` : `Every ${n} years on ${on}`;
      break;
    }
  }
  if (rule.frequency !== "ONCE") {
    if (rule.endAfter) text += rule.endAfter === 1 ? ", once only" : `, ${rule.endAfter} times`;
    else if (rule.endDate) text += `, until ${shortDate(rule.endDate, locale)}`;
  }
  const weekend = WEEKEND[rule.weekend];
  return weekend ? `${text}; ${weekend}` : text;
}
