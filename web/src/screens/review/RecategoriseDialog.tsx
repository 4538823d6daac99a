import { useMutation } from "@apollo/client/react";
import { useState, type FormEvent } from "react";

import { afterMoneyChange } from "../../apollo/afterChange";
import { RecategoriseWebDocument, type HistoryEntryFragment } from "../../gql/graphql";
import { fromMinor, toMinor } from "../../lib/money";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type UserErrorLike } from "../../lib/userErrors";
import { Dialog } from "../../ui/Dialog";
import { EnvelopeRows, type EnvelopeRow } from "../../ui/EnvelopeRows";
import { Button, Checkbox, FormMessage, SelectField } from "../../ui/kit";
import type { BoardAccount } from "../account/useAccount";

type Payload = { userErrors: readonly UserErrorLike[] };

/** The envelopes an entry's money can go to: live, not archived ("Ready to assign" first). */
export function usableEnvelopes(account: BoardAccount) {
  return [account.available, ...account.envelopes.filter((e) => !e.isAvailable && !e.archived && !e.deleted)];
}

/** Where the entry's money is now: one envelope, or null for a split. */
export function currentEnvelope(entry: HistoryEntryFragment): string | null {
  return entry.lines.length === 1 ? entry.lines[0]!.envelope.id : null;
}

/**
 * Recategorise an income or expense: a correction entry moves its money to other envelopes
 * (the entry itself stays as it was; the balance does not change).
 */
export function RecategoriseDialog({ entry, account, onClose }: { entry: HistoryEntryFragment; account: BoardAccount; onClose: () => void }) {
  const usable = usableEnvelopes(account);
  const currency = entry.amount.currency;
  const size = fromMinor(toMinor(entry.amount.amount.replace("-", ""), currency), currency);
  const [envelopeId, setEnvelopeId] = useState(usable.find((e) => e.id !== currentEnvelope(entry))?.id ?? "");
  const [splitting, setSplitting] = useState(false);
  const [rows, setRows] = useState<EnvelopeRow[]>([
    { envelopeId: usable[1]?.id ?? "", amount: "" },
    { envelopeId: usable[2]?.id ?? usable[0]?.id ?? "", amount: "" },
  ]);
  const submit = useSubmit<Payload>();
  const [recategorise] = useMutation(RecategoriseWebDocument);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit
      .run(async (idempotencyKey) => {
        const input = splitting ? { id: entry.id, splits: rows, idempotencyKey } : { id: entry.id, envelopeId, idempotencyKey };
        const result = await recategorise({
          variables: { input },
          update: (cache, { data }) => {
            if (data && !data.recategoriseTransaction.userErrors.length) afterMoneyChange(cache, [account.id]);
          },
        });
        return result.data?.recategoriseTransaction;
      })
      .then((payload) => {
        if (payload) onClose();
      });
  };
  const options = usable.map((e) => (
    <option key={e.id} value={e.id}>
      {e.isAvailable ? "Ready to assign" : e.name}
    </option>
  ));
  const formError = unplacedErrors(submit.errors, ["envelopeId", "splits", ...rows.flatMap((_, i) => [`splits.${i}.amount`, `splits.${i}.envelopeId`])]) ?? submit.problem;

  return (
    <Dialog open title={`Recategorise #${entry.sequence}`} onClose={onClose}>
      <form onSubmit={onSubmit} noValidate>
        <p className="recat-what">
          {entry.payee ?? (entry.kind === "INCOME" ? "Income" : "Spending")} · {size} {currency} · now in{" "}
          {entry.lines.map((l) => (l.envelope.isAvailable ? "Ready to assign" : l.envelope.name)).join(", ")}
        </p>
        <Checkbox label="Split across several envelopes" checked={splitting} onChange={(e) => setSplitting(e.target.checked)} />
        {splitting ? (
          <EnvelopeRows
            title="Envelopes"
            rows={rows}
            setRows={setRows}
            options={options}
            newEnvelope={usable[0]?.id ?? ""}
            currency={currency}
            errors={submit.errors}
            prefix="splits"
            total={size}
          />
        ) : (
          <SelectField label="Move it to" value={envelopeId} error={submit.errors["envelopeId"]} onChange={(e) => setEnvelopeId(e.target.value)}>
            {options}
          </SelectField>
        )}
        {splitting && submit.errors["splits"] ? <FormMessage>{submit.errors["splits"]}</FormMessage> : null}
        <p className="field-hint">The entry stays as recorded; a linked correction on the same day moves the money. Undo the correction to go back.</p>
        <FormMessage>{formError}</FormMessage>
        <div className="form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={submit.busy}>
            Recategorise
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
