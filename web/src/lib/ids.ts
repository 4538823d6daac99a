/** A fresh idempotency key: one per intended change, reused by every retry of that change. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

export function today(): string {
  const now = new Date();
  const month = String(now.getMonth() + 1).padStart(2, "0");
  const day = String(now.getDate()).padStart(2, "0");
  return `${now.getFullYear()}-${month}-${day}`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** "2024-12-01" → "1 Dec 2024" (a calendar date: no time-zone shift). */
export function formatDate(date: string): string {
  return dateFormat.format(new Date(`${date}T00:00:00Z`));
}

export function formatDateTime(value: string): string {
  return dateTimeFormat.format(new Date(value));
}

const dayMonth = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", timeZone: "UTC" });

/** A budget period in words: "1 – 30 Nov 2026", "15 Nov – 14 Dec 2026". */
export function formatPeriod(start: string, lastDay: string): string {
  const a = new Date(`${start}T00:00:00Z`);
  const b = new Date(`${lastDay}T00:00:00Z`);
  if (a.getUTCFullYear() !== b.getUTCFullYear()) return `${formatDate(start)} – ${formatDate(lastDay)}`;
  if (a.getUTCMonth() === b.getUTCMonth()) return `${a.getUTCDate()} – ${formatDate(lastDay)}`;
  return `${dayMonth.format(a)} – ${formatDate(lastDay)}`;
}
