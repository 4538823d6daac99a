import type { ClearedStatus, TransactionFilter, TransactionKind } from "../../gql/graphql";

/**
 * The history's filter lives in the URL (a filtered view can be bookmarked or reloaded):
 * ?dateFrom=2024-01-01&dateTo=…&envelopeId=…&kinds=EXPENSE,INCOME&payee=…&minAmount=10.00
 * &maxAmount=…&text=…&cleared=UNCLEARED. Unknown or malformed values are ignored.
 */

export const KINDS: readonly TransactionKind[] = ["INCOME", "EXPENSE", "MOVE", "TRANSFER", "REVERSAL", "ADJUSTMENT", "SWEEP", "RECATEGORISE", "OPENING"];

export const KIND_LABEL: Record<TransactionKind, string> = {
  OPENING: "Opening balance",
  INCOME: "Income",
  EXPENSE: "Spending",
  MOVE: "Move",
  TRANSFER: "Transfer",
  REVERSAL: "Undo",
  ADJUSTMENT: "Statement adjustment",
  SWEEP: "Leftover swept",
  RECATEGORISE: "Recategorised",
};

export const CLEARED_STATUSES: readonly ClearedStatus[] = ["UNCLEARED", "CLEARED", "RECONCILED"];

export const CLEARED_LABEL: Record<ClearedStatus, string> = {
  UNCLEARED: "Not cleared",
  CLEARED: "Cleared",
  RECONCILED: "Reconciled",
};

/** The URL's filter parameters, in a stable order. */
export const FILTER_PARAMS = ["text", "payee", "dateFrom", "dateTo", "envelopeId", "kinds", "cleared", "minAmount", "maxAmount"] as const;
export type FilterParam = (typeof FILTER_PARAMS)[number];

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DECIMAL = /^\d{1,13}(\.\d{1,3})?$/;

function list<T extends string>(value: string | null, allowed: readonly T[]): T[] {
  if (!value) return [];
  const wanted = value.split(",").map((part) => part.trim().toUpperCase());
  return allowed.filter((item) => wanted.includes(item));
}

/** The API filter of the URL's parameters: null when nothing filters (the whole history). */
export function filterFromParams(params: URLSearchParams): TransactionFilter | null {
  const filter: TransactionFilter = {};
  const text = params.get("text")?.trim();
  if (text) filter.text = text;
  const payee = params.get("payee")?.trim();
  if (payee) filter.payee = payee;
  const from = params.get("dateFrom");
  if (from && DATE.test(from)) filter.dateFrom = from;
  const to = params.get("dateTo");
  if (to && DATE.test(to)) filter.dateTo = to;
  const envelope = params.get("envelopeId")?.trim();
  if (envelope) filter.envelopeId = envelope;
  const kinds = list(params.get("kinds"), KINDS);
  if (kinds.length) filter.kinds = kinds;
  const cleared = list(params.get("cleared"), CLEARED_STATUSES);
  if (cleared.length) filter.cleared = cleared;
  const min = params.get("minAmount");
  if (min && DECIMAL.test(min)) filter.minAmount = min;
  const max = params.get("maxAmount");
  if (max && DECIMAL.test(max)) filter.maxAmount = max;
  return Object.keys(filter).length ? filter : null;
}

/** How many conditions a filter sets (for the collapsed filter button on phones). */
export function countConditions(filter: TransactionFilter | null): number {
  return filter ? Object.keys(filter).length : 0;
}

/** The URL parameters of a draft (text fields as typed, already validated), empty ones left out. */
export function paramsFromDraft(draft: Partial<Record<FilterParam, string>>): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTER_PARAMS) {
    const value = draft[key]?.trim();
    if (value) params.set(key, value);
  }
  return params;
}
