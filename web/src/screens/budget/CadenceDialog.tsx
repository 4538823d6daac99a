import { useMutation, useQuery } from "@apollo/client/react";
import { useState, type FormEvent } from "react";

import { onAcceptedChange } from "../../apollo/afterChange";
import {
  BudgetCadencePartsDocument,
  SetBudgetCadenceWebDocument,
  type BudgetCadencePartsQuery,
  type CadenceInput,
  type CadenceKind,
  type SetBudgetCadenceWebMutation,
} from "../../gql/graphql";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors } from "../../lib/userErrors";
import { Dialog } from "../../ui/Dialog";
import { Button, FormMessage, Loading, Problem, SelectField, TextField } from "../../ui/kit";
import { CADENCE_KINDS } from "./words";

type Payload = NonNullable<SetBudgetCadenceWebMutation["setBudgetCadence"]>;
type BudgetCadence = NonNullable<BudgetCadencePartsQuery["account"]>["budgetCadence"];

const DAYS = Array.from({ length: 28 }, (_, i) => i + 1);
const LAST = "last";

/** "Budget periods": how often the account's periods start (admins). */
export function CadenceDialog({
  accountId,
  onClose,
  onSaved,
}: {
  accountId: string;
  onClose: () => void;
  onSaved: (description: string) => void;
}) {
  const { data, error, refetch } = useQuery(BudgetCadencePartsDocument, { variables: { id: accountId }, fetchPolicy: "network-only" });
  const cadence = data?.account?.budgetCadence;
  return (
    <Dialog open title="Budget periods" onClose={onClose}>
      {cadence ? (
        <CadenceForm accountId={accountId} cadence={cadence} onClose={onClose} onSaved={onSaved} />
      ) : error ? (
        <Problem error={error} onRetry={() => void refetch()} />
      ) : (
        <Loading />
      )}
    </Dialog>
  );
}

function CadenceForm({
  accountId,
  cadence,
  onClose,
  onSaved,
}: {
  accountId: string;
  cadence: BudgetCadence;
  onClose: () => void;
  onSaved: (description: string) => void;
}) {
  const [kind, setKind] = useState<CadenceKind>(cadence.kind);
  const [anchor, setAnchor] = useState(cadence.anchor ?? "");
  const [first, setFirst] = useState(String(cadence.days[0] ?? 1));
  const [second, setSecond] = useState(cadence.lastDay ? LAST : String(cadence.days[1] ?? 15));
  const [monthly, setMonthly] = useState(cadence.kind === "MONTHLY" && cadence.lastDay ? LAST : String(cadence.days[0] ?? 1));
  const submit = useSubmit<Payload>();
  const [save] = useMutation(SetBudgetCadenceWebDocument);
  const errors = submit.errors;

  const input = (): CadenceInput => {
    switch (kind) {
      case "WEEKLY":
      case "FORTNIGHTLY":
      case "QUARTERLY":
      case "YEARLY":
        return { kind, anchor: anchor || null };
      case "MONTHLY":
        return monthly === LAST ? { kind, lastDay: true } : { kind, days: [Number(monthly)] };
      case "SEMI_MONTHLY":
        return second === LAST ? { kind, days: [Number(first)], lastDay: true } : { kind, days: [Number(first), Number(second)] };
    }
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await submit.run(
      async () =>
        (
          await save({
            variables: { input: { accountId, cadence: input() } },
            // Every other period's figures are cut differently now.
            update: onAcceptedChange([accountId]),
          })
        ).data?.setBudgetCadence,
    );
    if (done?.account) onSaved(done.account.budgetCadence.description);
  };

  const anchored = kind === "WEEKLY" || kind === "FORTNIGHTLY" || kind === "QUARTERLY" || kind === "YEARLY";
  const shown = ["cadence.kind", "cadence.anchor", "cadence.days", "cadence.lastDay", "cadence"];
  return (
    <>
      <p className="muted">
        Now: <strong>{cadence.description}</strong>. Every day belongs to exactly one period; plans ask for their amount in each period.
      </p>
      <form onSubmit={(e) => void onSubmit(e)} noValidate className="form-grid">
        <SelectField label="A new period starts" value={kind} onChange={(e) => setKind(e.target.value as CadenceKind)} error={errors["cadence.kind"]} className="span-2">
          {CADENCE_KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </SelectField>
        {anchored ? (
          <TextField
            label={kind === "WEEKLY" || kind === "FORTNIGHTLY" ? "Starting on" : "First day of a period"}
            type="date"
            value={anchor}
            onChange={(e) => setAnchor(e.target.value)}
            error={errors["cadence.anchor"] ?? errors["cadence"]}
            hint={
              kind === "WEEKLY" || kind === "FORTNIGHTLY"
                ? "Any day a period starts on; empty: Mondays (from 1 Jan 2024)."
                : "A day from the 1st to the 28th; empty: 1 January."
            }
            className="span-2"
          />
        ) : null}
        {kind === "MONTHLY" ? (
          <SelectField label="On day" value={monthly} onChange={(e) => setMonthly(e.target.value)} error={errors["cadence.days"] ?? errors["cadence.lastDay"] ?? errors["cadence"]}>
            {DAYS.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
            <option value={LAST}>The last day of the month</option>
          </SelectField>
        ) : null}
        {kind === "SEMI_MONTHLY" ? (
          <>
            <SelectField label="First day" value={first} onChange={(e) => setFirst(e.target.value)} error={errors["cadence.days"] ?? errors["cadence"]}>
              {DAYS.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </SelectField>
            <SelectField label="Second day" value={second} onChange={(e) => setSecond(e.target.value)} error={errors["cadence.lastDay"]}>
              {DAYS.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
              <option value={LAST}>The last day of the month</option>
            </SelectField>
          </>
        ) : null}
        <p className="field-hint span-2">
          Days 29–31 do not exist in every month: choose “the last day” instead.
        </p>
        <FormMessage>{unplacedErrors(errors, shown) ?? submit.problem}</FormMessage>
        <div className="form-actions span-2">
          {submit.problem && submit.retryable ? (
            <Button onClick={submit.retry} busy={submit.busy}>
              Retry
            </Button>
          ) : null}
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={submit.busy}>
            Save periods
          </Button>
        </div>
      </form>
    </>
  );
}
