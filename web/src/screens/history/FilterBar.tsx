import { useId, useState, type FormEvent } from "react";

import type { TransactionFilter } from "../../gql/graphql";
import { parseAmount } from "../../lib/money";
import { Button, SelectField, TextField } from "../../ui/kit";
import { MoneyField } from "../../ui/MoneyField";
import type { BoardAccount } from "../account/useAccount";
import { countConditions, KIND_LABEL, KINDS, paramsFromDraft, type FilterParam } from "./filters";

type Draft = Partial<Record<FilterParam, string>>;

function draftOf(filter: TransactionFilter | null): Draft {
  return {
    text: filter?.text ?? "",
    payee: filter?.payee ?? "",
    dateFrom: filter?.dateFrom ?? "",
    dateTo: filter?.dateTo ?? "",
    envelopeId: filter?.envelopeId ? String(filter.envelopeId) : "",
    kinds: (filter?.kinds ?? []).join(","),
    cleared: (filter?.cleared ?? []).join(","),
    minAmount: filter?.minAmount ?? "",
    maxAmount: filter?.maxAmount ?? "",
  };
}

/**
 * The history's filters: a compact form whose "Apply" writes the URL (the URL is the truth; this
 * form is only a draft of it). On phones it folds behind a "Filters" button.
 */
export function FilterBar({
  account,
  filter,
  onApply,
}: {
  account: BoardAccount;
  filter: TransactionFilter | null;
  onApply: (params: URLSearchParams) => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(filter));
  const [open, setOpen] = useState(false);
  // Payee, envelope, amounts and kinds sit behind "More filters" unless one of them is set.
  const [more, setMore] = useState(() => Boolean(filter?.payee || filter?.envelopeId || filter?.minAmount || filter?.maxAmount || filter?.kinds?.length));
  const moreId = useId();
  const [errors, setErrors] = useState<Draft>({});
  const bodyId = useId();
  const active = countConditions(filter);
  const kinds = new Set((draft.kinds ?? "").split(",").filter(Boolean));
  const set = (key: FilterParam) => (event: { target: { value: string } }) => setDraft({ ...draft, [key]: event.target.value });

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const problems: Draft = {};
    const out: Draft = { ...draft };
    for (const key of ["minAmount", "maxAmount"] as const) {
      const text = draft[key]?.trim();
      if (!text) continue;
      const parsed = parseAmount(text, account.currency, { allowZero: true });
      if (parsed.ok) out[key] = parsed.amount;
      else problems[key] = parsed.message;
    }
    if (out.dateFrom && out.dateTo && out.dateFrom > out.dateTo) problems.dateTo = "The end date is before the start date.";
    setErrors(problems);
    if (problems.minAmount || problems.maxAmount) setMore(true);
    if (Object.keys(problems).length) return;
    onApply(paramsFromDraft(out));
    setOpen(false);
  };

  const clear = () => {
    setDraft(draftOf(null));
    setErrors({});
    onApply(new URLSearchParams());
  };

  const toggleKind = (kind: string) => {
    const next = new Set(kinds);
    if (next.has(kind)) next.delete(kind);
    else next.add(kind);
    setDraft({ ...draft, kinds: KINDS.filter((k) => next.has(k)).join(",") });
  };

  const envelopes = account.envelopes.filter((e) => !e.isAvailable);
  return (
    <div className={`history-filters${open ? " history-filters-open" : ""}`}>
      <Button className="history-filters-toggle" aria-expanded={open} aria-controls={bodyId} onClick={() => setOpen(!open)}>
        {open ? "Hide filters" : `Filters${active ? ` (${active})` : ""}`}
      </Button>
      <form id={bodyId} className="history-filters-body" aria-label="Filter history" onSubmit={apply} noValidate role="search">
        <div className="history-filters-main">
          <TextField label="Search payee or memo" type="search" value={draft.text} onChange={set("text")} autoComplete="off" className="history-search" />
          <TextField label="From date" type="date" value={draft.dateFrom} onChange={set("dateFrom")} />
          <TextField label="To date" type="date" value={draft.dateTo} onChange={set("dateTo")} error={errors.dateTo} />
          <SelectField label="Cleared" value={draft.cleared} onChange={set("cleared")}>
            <option value="">Any status</option>
            <option value="UNCLEARED">Not cleared</option>
            <option value="CLEARED">Cleared (not reconciled)</option>
            <option value="UNCLEARED,CLEARED">Not reconciled</option>
            <option value="RECONCILED">Reconciled</option>
            {draft.cleared && !["UNCLEARED", "CLEARED", "UNCLEARED,CLEARED", "RECONCILED"].includes(draft.cleared) ? (
              <option value={draft.cleared}>{draft.cleared.toLowerCase().replace(/,/g, " or ")}</option>
            ) : null}
          </SelectField>
          <div className="history-filters-actions">
            <Button type="submit" variant="primary">
              Apply filters
            </Button>
            <Button variant="ghost" aria-expanded={more} aria-controls={moreId} onClick={() => setMore(!more)}>
              {more ? "Fewer filters" : "More filters"}
            </Button>
            {active ? (
              <Button variant="ghost" onClick={clear}>
                Clear filters
              </Button>
            ) : null}
          </div>
        </div>
        <div id={moreId} className="history-filters-more" hidden={!more}>
          <TextField label="Payee" value={draft.payee} onChange={set("payee")} autoComplete="off" />
          <SelectField label="Envelope" value={draft.envelopeId} onChange={set("envelopeId")}>
            <option value="">Any envelope</option>
            <option value={account.available.id}>Ready to assign</option>
            {envelopes.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
                {e.archived ? " (archived)" : e.deleted ? " (deleted)" : ""}
              </option>
            ))}
          </SelectField>
          <MoneyField label="Amount at least" currency={account.currency} value={draft.minAmount} onChange={set("minAmount")} error={errors.minAmount} />
          <MoneyField label="Amount at most" currency={account.currency} value={draft.maxAmount} onChange={set("maxAmount")} error={errors.maxAmount} />
          <fieldset className="history-kinds">
            <legend>Kinds</legend>
            {KINDS.map((kind) => (
              <label key={kind} className={`chip${kinds.has(kind) ? " chip-on" : ""}`}>
                <input type="checkbox" checked={kinds.has(kind)} onChange={() => toggleKind(kind)} />
                {KIND_LABEL[kind]}
              </label>
            ))}
          </fieldset>
        </div>
      </form>
    </div>
  );
}
