/**
 * The import screen's rules, apart from React: where a job stands (status → what the screen
 * shows), its progress, and the CSV mapping form (the API's mapping ↔ the form's fields, the
 * date formats a column's samples fit, what the form refuses before asking the API).
 */
import type { CsvMappingInput, CsvSignConvention, ImportStatus } from "../../gql/graphql";
import type { FieldErrors } from "../../lib/userErrors";

/** What the screen shows for a job. */
export type Phase = "mapping" | "analysing" | "preview" | "committing" | "done" | "failed" | "cancelled";

export const PHASE_OF: Record<ImportStatus, Phase> = {
  NEEDS_MAPPING: "mapping",
  ANALYSING: "analysing",
  PREVIEW: "preview",
  QUEUED: "committing",
  RUNNING: "committing",
  DONE: "done",
  FAILED: "failed",
  CANCELLED: "cancelled",
};

export const STATUS_LABEL: Record<ImportStatus, string> = {
  NEEDS_MAPPING: "Needs a column mapping",
  ANALYSING: "Reading the file",
  PREVIEW: "Preview — not imported yet",
  QUEUED: "Waiting to import",
  RUNNING: "Importing",
  DONE: "Imported",
  FAILED: "Stopped by an error",
  CANCELLED: "Cancelled",
};

/** A job some process works on: the screen polls it. */
export function isWorking(status: ImportStatus): boolean {
  return status === "ANALYSING" || status === "QUEUED" || status === "RUNNING";
}

/** A job that can still be stopped (its booked rows stay booked). */
export function isCancellable(status: ImportStatus): boolean {
  return status === "NEEDS_MAPPING" || status === "PREVIEW" || isWorking(status);
}

export interface JobProgress {
  done: number;
  /** Null until the file's size in items is known. */
  total: number | null;
  /** 0–100, whole. */
  percent: number;
  text: string;
}

export function progressOf(job: { rowsDone: number; rowsTotal: number | null; status: ImportStatus }): JobProgress {
  const total = job.rowsTotal;
  const done = total === null ? job.rowsDone : Math.min(job.rowsDone, total);
  const percent = job.status === "DONE" ? 100 : total ? Math.floor((done * 100) / total) : 0;
  const text = total === null ? `${done} rows so far` : `${done} of ${total} rows`;
  return { done, total, percent, text };
}

export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

// --- the CSV mapping form ---------------------------------------------------------------------

/** The mapping as the API answers it (CsvMapping), as far as the form uses it. */
export interface MappingLike {
  date: string | null;
  amount: string | null;
  debit: string | null;
  credit: string | null;
  payee: string | null;
  memo: string | null;
  reference: string | null;
  currency: string | null;
  signColumn: string | null;
  dateFormat: string;
  decimalSeparator: string;
  thousandsSeparator: string;
  sign: CsvSignConvention;
  debitMarkers: readonly string[];
  hasHeader: boolean;
  delimiter: string;
  encoding: string | null;
  skipLines: number;
}

export type AmountMode = "single" | "split";

export interface MappingForm {
  date: string;
  amountMode: AmountMode;
  amount: string;
  debit: string;
  credit: string;
  payee: string;
  memo: string;
  reference: string;
  dateFormat: string;
  decimalSeparator: string;
  thousandsSeparator: string;
  sign: CsvSignConvention;
  signColumn: string;
  debitMarkers: string;
  /** Read from the file by the API; kept as they were. */
  kept: Pick<MappingLike, "hasHeader" | "delimiter" | "encoding" | "skipLines" | "currency">;
}

export const DATE_FORMATS: readonly { value: string; label: string }[] = [
  { value: "%Y-%m-%d", label: "2026-01-31" },
  { value: "%d.%m.%Y", label: "31.01.2026" },
  { value: "%d/%m/%Y", label: "31/01/2026 (day first)" },
  { value: "%m/%d/%Y", label: "01/31/2026 (month first)" },
  { value: "%d-%m-%Y", label: "31-01-2026" },
  { value: "%Y/%m/%d", label: "2026/01/31" },
  { value: "%d.%m.%y", label: "31.01.26" },
  { value: "%d/%m/%y", label: "31/01/26 (day first)" },
  { value: "%m/%d/%y", label: "01/31/26 (month first)" },
  { value: "%Y%m%d", label: "20260131" },
];

export const DECIMAL_SEPARATORS = [
  { value: ".", label: "Point: 1234.56" },
  { value: ",", label: "Comma: 1234,56" },
];

export const THOUSANDS_SEPARATORS = [
  { value: "", label: "None: 1234" },
  { value: ",", label: "Comma: 1,234" },
  { value: ".", label: "Point: 1.234" },
  { value: " ", label: "Space: 1 234" },
  { value: "'", label: "Apostrophe: 1'234" },
];

export const SIGN_CONVENTIONS: readonly { value: CsvSignConvention; label: string }[] = [
  { value: "SIGNED", label: "Negative amounts are money out" },
  { value: "INVERTED", label: "Positive amounts are money out (credit cards)" },
  { value: "COLUMN", label: "A column says debit or credit" },
];

/** No column chosen; the API's defaults for the conventions. */
export const BLANK_MAPPING: MappingLike = {
  date: null,
  amount: null,
  debit: null,
  credit: null,
  payee: null,
  memo: null,
  reference: null,
  currency: null,
  signColumn: null,
  dateFormat: "%Y-%m-%d",
  decimalSeparator: ".",
  thousandsSeparator: "",
  sign: "SIGNED",
  debitMarkers: [],
  hasHeader: true,
  delimiter: ",",
  encoding: null,
  skipLines: 0,
};

/** The form for the API's mapping (its guess, the saved one, or none: the defaults). */
export function formFromMapping(mapping: MappingLike | null | undefined): MappingForm {
  const m = mapping ?? BLANK_MAPPING;
  const split = !m.amount && Boolean(m.debit || m.credit);
  return {
    date: m.date ?? "",
    amountMode: split ? "split" : "single",
    amount: m.amount ?? "",
    debit: m.debit ?? "",
    credit: m.credit ?? "",
    payee: m.payee ?? "",
    memo: m.memo ?? "",
    reference: m.reference ?? "",
    dateFormat: m.dateFormat,
    decimalSeparator: m.decimalSeparator,
    thousandsSeparator: m.thousandsSeparator,
    sign: m.sign,
    signColumn: m.signColumn ?? "",
    debitMarkers: m.debitMarkers.join(", "),
    kept: { hasHeader: m.hasHeader, delimiter: m.delimiter, encoding: m.encoding, skipLines: m.skipLines, currency: m.currency },
  };
}

export type MappingResult = { ok: true; input: CsvMappingInput } | { ok: false; errors: FieldErrors };

/** The form as the API's CsvMappingInput, or what is missing (keyed by the form's field names). */
export function mappingInput(form: MappingForm): MappingResult {
  const errors: FieldErrors = {};
  if (!form.date) errors["date"] = "Choose the column with the date.";
  if (form.amountMode === "single" && !form.amount) errors["amount"] = "Choose the column with the amount.";
  if (form.amountMode === "split" && !form.debit && !form.credit) {
    errors["debit"] = "Choose the column of money out, of money in, or both.";
  }
  if (form.amountMode === "split" && form.debit && form.debit === form.credit) {
    errors["credit"] = "Money in and money out need different columns.";
  }
  if (form.decimalSeparator === form.thousandsSeparator) {
    errors["thousandsSeparator"] = "The thousands separator must differ from the decimal mark.";
  }
  const single = form.amountMode === "single";
  const byColumn = single && form.sign === "COLUMN";
  const markers = form.debitMarkers
    .split(",")
    .map((marker) => marker.trim())
    .filter(Boolean);
  if (byColumn && !form.signColumn) errors["signColumn"] = "Choose the column that says debit or credit.";
  if (byColumn && !markers.length) errors["debitMarkers"] = "Enter what that column says for money out, e.g. D or Debit.";
  if (Object.keys(errors).length) return { ok: false, errors };
  const input: CsvMappingInput = {
    date: form.date,
    amount: single ? form.amount : null,
    debit: single ? null : form.debit || null,
    credit: single ? null : form.credit || null,
    payee: form.payee || null,
    memo: form.memo || null,
    reference: form.reference || null,
    currency: form.kept.currency,
    signColumn: byColumn ? form.signColumn : null,
    dateFormat: form.dateFormat,
    decimalSeparator: form.decimalSeparator,
    thousandsSeparator: form.thousandsSeparator,
    sign: single ? form.sign : "SIGNED",
    debitMarkers: byColumn ? markers : null,
    hasHeader: form.kept.hasHeader,
    delimiter: form.kept.delimiter,
    encoding: form.kept.encoding,
    skipLines: form.kept.skipLines,
  };
  return { ok: true, input };
}

/** The API's errors on `csvMapping.<field>` under the form's field names; the rest as they are. */
export function mappingErrors(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [path, message] of Object.entries(errors)) {
    out[path.startsWith("csvMapping.") ? path.slice("csvMapping.".length) : path] = message;
  }
  return out;
}

export interface ColumnChoice {
  /** What the mapping names: the header's name, or the 0-based position in a file without one. */
  value: string;
  label: string;
}

/** The file's columns as choices, each with its first sample value to recognise it by. */
export function columnChoices(header: readonly string[], sampleRows: readonly (readonly string[])[], hasHeader: boolean): ColumnChoice[] {
  const width = Math.max(header.length, ...sampleRows.map((row) => row.length), 0);
  const choices: ColumnChoice[] = [];
  for (let i = 0; i < width; i++) {
    const name = hasHeader ? header[i] : undefined;
    const sample = sampleRows.map((row) => row[i]?.trim() ?? "").find(Boolean);
    const title = name || `Column ${i + 1}`;
    choices.push({ value: name || String(i), label: sample && sample !== title ? `${title} — e.g. ${shorten(sample)}` : title });
  }
  return choices;
}

function shorten(text: string): string {
  return text.length > 24 ? `${text.slice(0, 23)}…` : text;
}

/** The values of a column (named as in the mapping) in the sample rows. */
export function columnSamples(
  column: string,
  header: readonly string[],
  sampleRows: readonly (readonly string[])[],
  hasHeader: boolean,
): string[] {
  const index = hasHeader ? header.indexOf(column) : Number.parseInt(column, 10);
  if (index < 0 || Number.isNaN(index)) return [];
  return sampleRows.map((row) => row[index]?.trim() ?? "").filter(Boolean);
}

const DIRECTIVE: Record<string, string> = { Y: "(\\d{4})", y: "(\\d{2})", m: "(\\d{1,2})", d: "(\\d{1,2})" };

/** Does every sample read as a date in this strptime format (%Y %y %m %d and literals)? */
export function fitsDateFormat(format: string, samples: readonly string[]): boolean {
  return samples.every((sample) => readsAsDate(format, sample));
}

function readsAsDate(format: string, sample: string): boolean {
  const order: string[] = [];
  let pattern = "";
  for (let i = 0; i < format.length; i++) {
    const char = format[i]!;
    const next = format[i + 1];
    if (char === "%" && next && DIRECTIVE[next]) {
      pattern += DIRECTIVE[next];
      order.push(next);
      i++;
    } else {
      pattern += char.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  const match = order.length ? new RegExp(`^${pattern}$`).exec(sample) : null;
  if (!match) return false;
  const value = (directive: string) => (order.includes(directive) ? Number(match[order.indexOf(directive) + 1]) : 1);
  return value("m") >= 1 && value("m") <= 12 && value("d") >= 1 && value("d") <= 31;
}

/**
 * The format for a date column: the one most of its samples read in (a malformed row among
 * them does not decide), the current one when it reads as many.
 */
export function dateFormatFor(current: string, samples: readonly string[]): string {
  const score = (format: string) => samples.filter((sample) => readsAsDate(format, sample)).length;
  const best = Math.max(0, ...DATE_FORMATS.map((format) => score(format.value)));
  if (best === 0 || score(current) >= best) return current;
  return DATE_FORMATS.find((format) => score(format.value) === best)?.value ?? current;
}
