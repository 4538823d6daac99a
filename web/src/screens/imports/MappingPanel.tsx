import { useState, type FormEvent } from "react";

import type { CsvMappingInput, ImportJobFieldsFragment } from "../../gql/graphql";
import type { FieldErrors } from "../../lib/userErrors";
import { Button, FormMessage, Section, SelectField, TextField } from "../../ui/kit";
import {
  columnChoices,
  columnSamples,
  DATE_FORMATS,
  dateFormatFor,
  DECIMAL_SEPARATORS,
  formFromMapping,
  mappingInput,
  SIGN_CONVENTIONS,
  THOUSANDS_SEPARATORS,
  type MappingForm,
} from "./mapping";

const NONE = "";

/**
 * Step 2 for a CSV the API could not read by itself (or read wrongly): which column is the
 * date, the amount (or money out and money in), the payee and the memo, and how the bank
 * writes dates and numbers — with the file's first rows to look at. The dry run then starts
 * again with this mapping (saved for the account when the import is committed).
 */
export function MappingPanel({
  job,
  busy,
  serverErrors,
  onSubmit,
  onCancel,
}: {
  job: ImportJobFieldsFragment;
  busy: boolean;
  serverErrors: FieldErrors;
  onSubmit: (mapping: CsvMappingInput) => void;
  onCancel: () => void;
}) {
  const [form, setForm] = useState<MappingForm>(() => formFromMapping(job.csvMapping));
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const hasHeader = form.kept.hasHeader;
  const columns = columnChoices(job.header, job.sampleRows, hasHeader);
  const errors: FieldErrors = { ...serverErrors, ...localErrors };
  const shown = ["date", "amount", "debit", "credit", "payee", "memo", "dateFormat", "decimalSeparator", "thousandsSeparator", "sign", "signColumn", "debitMarkers"];
  const formLevel = Object.entries(errors)
    .filter(([path]) => !shown.includes(path))
    .map(([, message]) => message)
    .join(" ");

  const set = <K extends keyof MappingForm>(key: K, value: MappingForm[K]) => {
    setForm((current) => ({ ...current, [key]: value }));
    setLocalErrors((current) => {
      const { [key]: _dropped, ...rest } = current;
      return rest;
    });
  };

  const chooseDate = (column: string) => {
    const samples = columnSamples(column, job.header, job.sampleRows, hasHeader);
    setForm((current) => ({ ...current, date: column, dateFormat: dateFormatFor(current.dateFormat, samples) }));
    setLocalErrors(({ date: _dropped, ...rest }) => rest);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = mappingInput(form);
    if (!result.ok) {
      setLocalErrors(result.errors);
      return;
    }
    setLocalErrors({});
    onSubmit(result.input);
  };

  const columnSelect = (key: "date" | "amount" | "debit" | "credit" | "payee" | "memo" | "signColumn", label: string, optional: boolean) => (
    <SelectField
      label={label}
      value={form[key]}
      onChange={(event) => (key === "date" ? chooseDate(event.target.value) : set(key, event.target.value))}
      error={errors[key]}
    >
      <option value={NONE}>{optional ? "— none —" : "Choose a column…"}</option>
      <Options options={columns} />
    </SelectField>
  );

  const dateFormats = DATE_FORMATS.some((f) => f.value === form.dateFormat)
    ? DATE_FORMATS
    : [{ value: form.dateFormat, label: form.dateFormat }, ...DATE_FORMATS];

  return (
    <Section title="Which column is which?" id="import-mapping">
      <p className="muted import-lead">
        {job.status === "NEEDS_MAPPING"
          ? `Envelopes could not tell the columns of ${job.fileName} apart. Choose them once: the mapping is remembered for files with the same columns.`
          : "Correct the columns or the number format, then preview again."}
      </p>
      <SampleTable header={job.header} rows={job.sampleRows} hasHeader={hasHeader} />
      <form className="form-grid import-mapping" onSubmit={submit} noValidate aria-label="Column mapping">
        {columnSelect("date", "Date", false)}
        <SelectField label="Date format" value={form.dateFormat} onChange={(event) => set("dateFormat", event.target.value)} error={errors["dateFormat"]}>
          <Options options={dateFormats} />
        </SelectField>
        <fieldset className="import-amount-mode span-2">
          <legend>Amounts</legend>
          <label className="checkbox">
            <input type="radio" name="amount-mode" checked={form.amountMode === "single"} onChange={() => set("amountMode", "single")} />
            <span>One column, money in and out</span>
          </label>
          <label className="checkbox">
            <input type="radio" name="amount-mode" checked={form.amountMode === "split"} onChange={() => set("amountMode", "split")} />
            <span>Two columns: money out and money in</span>
          </label>
        </fieldset>
        {form.amountMode === "single" ? (
          <>
            {columnSelect("amount", "Amount", false)}
            <SelectField label="Sign" value={form.sign} onChange={(event) => set("sign", event.target.value as MappingForm["sign"])} error={errors["sign"]}>
              <Options options={SIGN_CONVENTIONS} />
            </SelectField>
            {form.sign === "COLUMN" ? (
              <>
                {columnSelect("signColumn", "Debit or credit column", false)}
                <TextField
                  label="Money out is marked"
                  value={form.debitMarkers}
                  onChange={(event) => set("debitMarkers", event.target.value)}
                  error={errors["debitMarkers"]}
                  hint="Comma-separated, e.g. D, Debit"
                />
              </>
            ) : null}
          </>
        ) : (
          <>
            {columnSelect("debit", "Money out (debit)", true)}
            {columnSelect("credit", "Money in (credit)", true)}
          </>
        )}
        <SelectField label="Decimal mark" value={form.decimalSeparator} onChange={(event) => set("decimalSeparator", event.target.value)} error={errors["decimalSeparator"]}>
          <Options options={DECIMAL_SEPARATORS} />
        </SelectField>
        <SelectField
          label="Thousands separator"
          value={form.thousandsSeparator}
          onChange={(event) => set("thousandsSeparator", event.target.value)}
          error={errors["thousandsSeparator"]}
        >
          <Options options={THOUSANDS_SEPARATORS} />
        </SelectField>
        {columnSelect("payee", "Payee", true)}
        {columnSelect("memo", "Memo", true)}
        <FormMessage>{formLevel || null}</FormMessage>
        <div className="form-actions span-2">
          <Button onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={busy}>
            Preview with these columns
          </Button>
        </div>
      </form>
    </Section>
  );
}

function SampleTable({ header, rows, hasHeader }: { header: readonly string[]; rows: readonly (readonly string[])[]; hasHeader: boolean }) {
  if (!rows.length) return null;
  const width = Math.max(header.length, ...rows.map((row) => row.length));
  const titles = Array.from({ length: width }, (_, i) => (hasHeader && header[i]) || `Column ${i + 1}`);
  return (
    <div className="import-table-wrap">
      <table className="table import-sample" aria-label="The file's first rows">
        <thead>
          <tr>
            {titles.map((title, i) => (
              <th key={i} scope="col">
                {title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r}>
              {titles.map((_, i) => (
                <td key={i}>{row[i] ?? ""}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Options({ options }: { options: readonly { value: string; label: string }[] }) {
  return (
    <>
      {options.map((option) => (
        <option key={`${option.value}|${option.label}`} value={option.value}>
          {option.label}
        </option>
      ))}
    </>
  );
}
