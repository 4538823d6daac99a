import type { ReactNode } from "react";

import { fromMinor, parseAmount, toMinor } from "../lib/money";
import type { FieldErrors } from "../lib/userErrors";
import { Amount, Button, SelectField } from "./kit";
import { MoneyField } from "./MoneyField";

/** One envelope and its amount, as typed (the amount is text until it is parsed). */
export interface EnvelopeRow {
  envelopeId: string;
  amount: string;
}

/**
 * Rows of envelope + amount (splits, allocations) with add and remove. The server's errors
 * are placed by `prefix.<index>.<field>`; `offset` numbers the rows after ones shown elsewhere
 * (a split's first envelope). With `total`, what the rows leave of it is shown as they change.
 */
export function EnvelopeRows({
  title,
  rows,
  setRows,
  options,
  newEnvelope,
  currency,
  errors,
  prefix,
  offset = 0,
  total,
  remainderLabel,
}: {
  title: string;
  rows: EnvelopeRow[];
  setRows: (rows: EnvelopeRow[]) => void;
  options: ReactNode;
  newEnvelope: string;
  currency: string;
  errors: FieldErrors;
  prefix: string;
  offset?: number;
  total?: string;
  remainderLabel?: string;
}) {
  const parsedTotal = total === undefined ? null : parseAmount(total, currency);
  const sum = rows.reduce((acc, row) => {
    const parsed = parseAmount(row.amount, currency);
    return parsed.ok ? acc + toMinor(parsed.amount, currency) : acc;
  }, 0n);
  const left = parsedTotal?.ok ? toMinor(parsedTotal.amount, currency) - sum : null;
  return (
    <fieldset className="rows span-2">
      <legend>{title}</legend>
      {rows.map((row, i) => {
        const n = i + offset;
        return (
          <div className="row" key={i}>
            <SelectField
              label={`Envelope ${n + 1}`}
              value={row.envelopeId}
              onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, envelopeId: e.target.value } : r)))}
              error={errors[`${prefix}.${n}.envelopeId`]}
            >
              {options}
            </SelectField>
            <MoneyField
              label={`Amount ${n + 1}`}
              currency={currency}
              value={row.amount}
              onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, amount: e.target.value } : r)))}
              error={errors[`${prefix}.${n}.amount`]}
            />
            <Button variant="ghost" aria-label={`Remove envelope ${n + 1}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
              Remove
            </Button>
          </div>
        );
      })}
      <div className="rows-foot">
        <Button variant="ghost" onClick={() => setRows([...rows, { envelopeId: newEnvelope, amount: "" }])}>
          + Add an envelope
        </Button>
        {rows.length && left !== null && remainderLabel ? (
          <span className={left < 0n ? "amount-negative" : "muted"}>
            {remainderLabel}: <Amount money={{ amount: fromMinor(left, currency), currency }} />
          </span>
        ) : null}
      </div>
      {errors[prefix] ? (
        <p className="field-error" role="alert">
          {errors[prefix]}
        </p>
      ) : null}
    </fieldset>
  );
}
