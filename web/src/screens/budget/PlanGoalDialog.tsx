import { useMutation } from "@apollo/client/react";
import { useState, type FormEvent } from "react";

import { onAcceptedChange } from "../../apollo/afterChange";
import {
  RemoveGoalWebDocument,
  RemovePlanWebDocument,
  SetGoalWebDocument,
  SetPlanWebDocument,
  type GoalKind,
  type Rollover,
} from "../../gql/graphql";
import { today } from "../../lib/ids";
import { parseAmount } from "../../lib/money";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type FieldErrors, type UserErrorLike } from "../../lib/userErrors";
import { Dialog } from "../../ui/Dialog";
import { Button, FormMessage, TextField } from "../../ui/kit";
import { MoneyField } from "../../ui/MoneyField";
import type { BoardAccount } from "../account/useAccount";
import type { EnvelopeRow } from "./types";
import { GOAL_KINDS, ROLLOVERS } from "./words";

type Payload = { userErrors: readonly UserErrorLike[] };

/** An envelope's plan and goal (admins): each saved on its own, from the current period on. */
export function PlanGoalDialog({
  account,
  row,
  onClose,
  onSaved,
}: {
  account: BoardAccount;
  row: EnvelopeRow;
  onClose: () => void;
  onSaved: () => void;
}) {
  // The envelope's plan and goal from the current period on (the row's plan is the shown period's).
  const current = account.envelopes.find((e) => e.id === row.envelope.id);
  return (
    <Dialog open title={`Plan and goal: ${row.envelope.name}`} onClose={onClose} wide>
      <PlanForm account={account} envelopeId={row.envelope.id} plan={current?.plan ?? null} onSaved={onSaved} />
      <GoalForm account={account} envelopeId={row.envelope.id} goal={current?.goal ?? null} onSaved={onSaved} />
      <div className="form-actions">
        <Button onClick={onClose}>Done</Button>
      </div>
    </Dialog>
  );
}

type Envelope = BoardAccount["envelopes"][number];

function PlanForm({
  account,
  envelopeId,
  plan,
  onSaved,
}: {
  account: BoardAccount;
  envelopeId: string;
  plan: Envelope["plan"];
  onSaved: () => void;
}) {
  const currency = account.currency;
  const [amount, setAmount] = useState(plan?.amount.amount ?? "");
  const [rollover, setRollover] = useState<Rollover>(plan?.rollover ?? "KEEP");
  const [local, setLocal] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<string | null>(null);
  const submit = useSubmit<Payload>();
  const [setPlan] = useMutation(SetPlanWebDocument);
  const [removePlan] = useMutation(RemovePlanWebDocument);
  const errors = { ...submit.errors, ...local };
  const otherCadence = plan && plan.cadence.description !== account.budgetCadence.description;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    const parsed = parseAmount(amount, currency);
    if (!parsed.ok) {
      setLocal({ amount: parsed.message });
      return;
    }
    setLocal({});
    const done = await submit.run(
      async () =>
        (
          await setPlan({
            variables: { input: { accountId: account.id, envelopeId, amount: parsed.amount, cadence: null, rollover } },
            update: onAcceptedChange([account.id]),
          })
        ).data?.setPlan,
    );
    if (done) {
      setNotice("Plan saved. It applies from the current period on.");
      onSaved();
    }
  };

  const onRemove = async () => {
    setNotice(null);
    setLocal({});
    const done = await submit.run(
      async () =>
        (
          await removePlan({
            variables: { input: { accountId: account.id, envelopeId } },
            update: onAcceptedChange([account.id]),
          })
        ).data?.removePlan,
    );
    if (done) {
      setAmount("");
      setNotice("Plan removed from the current period on; earlier periods keep theirs.");
      onSaved();
    }
  };

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="plan-form" aria-labelledby={`plan-${envelopeId}`}>
      <h3 id={`plan-${envelopeId}`} className="budget-section-title">
        Plan
      </h3>
      <p className="field-hint plan-hint">
        How much this envelope should get every period ({account.budgetCadence.description.toLowerCase()}). A change applies from the
        current period on; earlier periods keep the plan they had.
      </p>
      <MoneyField
        label="Amount per period"
        currency={currency}
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
        error={errors["amount"]}
        hint={otherCadence ? `Now ${plan.cadence.description.toLowerCase()}; saving makes it follow the account's periods.` : undefined}
      />
      <fieldset className="choice-group">
        <legend>At the end of a period</legend>
        {ROLLOVERS.map((option) => (
          <label key={option.value} className="choice">
            <input type="radio" name={`rollover-${envelopeId}`} value={option.value} checked={rollover === option.value} onChange={() => setRollover(option.value)} />
            <span>
              <strong>{option.label}</strong>
              <span className="choice-explain">{option.explain}</span>
            </span>
          </label>
        ))}
        {errors["rollover"] ? <p className="field-error" role="alert">{errors["rollover"]}</p> : null}
      </fieldset>
      <FormMessage tone="success">{notice}</FormMessage>
      <FormMessage>{unplacedErrors(errors, ["amount", "rollover"]) ?? submit.problem}</FormMessage>
      <div className="form-actions">
        {submit.problem && submit.retryable ? (
          <Button onClick={submit.retry} busy={submit.busy}>
            Retry
          </Button>
        ) : null}
        {plan ? (
          <Button variant="danger" onClick={() => void onRemove()} busy={submit.busy}>
            Remove plan
          </Button>
        ) : null}
        <Button type="submit" variant="primary" busy={submit.busy}>
          Save plan
        </Button>
      </div>
    </form>
  );
}

function GoalForm({
  account,
  envelopeId,
  goal,
  onSaved,
}: {
  account: BoardAccount;
  envelopeId: string;
  goal: Envelope["goal"];
  onSaved: () => void;
}) {
  const currency = account.currency;
  const [kind, setKind] = useState<GoalKind>(goal?.kind ?? "SAVE");
  const [target, setTarget] = useState(goal?.target.amount ?? "");
  const [targetDate, setTargetDate] = useState(goal?.targetDate ?? "");
  const [priority, setPriority] = useState(String(goal?.priority ?? 100));
  const [local, setLocal] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<string | null>(null);
  const submit = useSubmit<Payload>();
  const [setGoal] = useMutation(SetGoalWebDocument);
  const [removeGoal] = useMutation(RemoveGoalWebDocument);
  const errors = { ...submit.errors, ...local };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    const problems: FieldErrors = {};
    const parsed = parseAmount(target, currency);
    if (!parsed.ok) problems["target"] = parsed.message;
    const rank = /^\d+$/.test(priority.trim()) ? Number(priority.trim()) : NaN;
    if (!(rank >= 1 && rank <= 1000)) problems["priority"] = "A whole number from 1 (filled first) to 1000.";
    setLocal(problems);
    if (Object.keys(problems).length || !parsed.ok) return;
    const done = await submit.run(
      async () =>
        (
          await setGoal({
            variables: {
              input: {
                accountId: account.id,
                envelopeId,
                kind,
                target: parsed.amount,
                targetDate: kind === "SAVE" && targetDate ? targetDate : null,
                priority: rank,
              },
            },
            update: onAcceptedChange([account.id]),
          })
        ).data?.setGoal,
    );
    if (done) {
      setNotice("Goal saved.");
      onSaved();
    }
  };

  const onRemove = async () => {
    setNotice(null);
    setLocal({});
    const done = await submit.run(
      async () =>
        (
          await removeGoal({
            variables: { input: { accountId: account.id, envelopeId } },
            update: onAcceptedChange([account.id]),
          })
        ).data?.removeGoal,
    );
    if (done) {
      setTarget("");
      setTargetDate("");
      setNotice("Goal removed.");
      onSaved();
    }
  };

  const chosen = GOAL_KINDS.find((k) => k.kind === kind);
  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="goal-form" aria-labelledby={`goal-${envelopeId}`}>
      <h3 id={`goal-${envelopeId}`} className="budget-section-title">
        Goal
      </h3>
      <fieldset className="choice-group">
        <legend>Kind of goal</legend>
        {GOAL_KINDS.map((option) => (
          <label key={option.kind} className="choice">
            <input type="radio" name={`goal-kind-${envelopeId}`} value={option.kind} checked={kind === option.kind} onChange={() => setKind(option.kind)} />
            <span>
              <strong>{option.label}</strong>
              <span className="choice-explain">{option.explain}</span>
            </span>
          </label>
        ))}
        {errors["kind"] ? <p className="field-error" role="alert">{errors["kind"]}</p> : null}
      </fieldset>
      <div className="form-grid">
        <MoneyField
          label={kind === "PER_PERIOD" ? "Amount every period" : "Target"}
          currency={currency}
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          error={errors["target"]}
        />
        {kind === "SAVE" ? (
          <TextField
            label="By (optional)"
            type="date"
            min={today()}
            value={targetDate}
            onChange={(e) => setTargetDate(e.target.value)}
            error={errors["targetDate"]}
            hint="Spread over the periods left until then."
          />
        ) : (
          <p className="field-static">{chosen?.kind === "KEEP_AT_LEAST" ? "No date: the envelope is topped up every period." : "No date: it asks the same every period."}</p>
        )}
        <TextField
          label="Priority"
          inputMode="numeric"
          autoComplete="off"
          value={priority}
          onChange={(e) => setPriority(e.target.value)}
          error={errors["priority"]}
          hint="1 is filled first, 1000 last (default 100) when Ready to assign runs short."
          className="span-2"
        />
      </div>
      <p className="field-hint">When a plan and a goal both ask for money in a period, the envelope needs the larger of the two, not both.</p>
      <FormMessage tone="success">{notice}</FormMessage>
      <FormMessage>{unplacedErrors(errors, ["kind", "target", "targetDate", "priority"]) ?? submit.problem}</FormMessage>
      <div className="form-actions">
        {submit.problem && submit.retryable ? (
          <Button onClick={submit.retry} busy={submit.busy}>
            Retry
          </Button>
        ) : null}
        {goal ? (
          <Button variant="danger" onClick={() => void onRemove()} busy={submit.busy}>
            Remove goal
          </Button>
        ) : null}
        <Button type="submit" variant="primary" busy={submit.busy}>
          Save goal
        </Button>
      </div>
    </form>
  );
}
