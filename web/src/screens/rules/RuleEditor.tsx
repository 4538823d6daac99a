import { useMutation } from "@apollo/client/react";
import { useState, type FormEvent } from "react";

import { CreateRuleWebDocument, UpdateRuleWebDocument, type RuleFieldsFragment } from "../../gql/graphql";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type UserErrorLike } from "../../lib/userErrors";
import { Dialog } from "../../ui/Dialog";
import { Button, Checkbox, FormMessage, SelectField, TextField } from "../../ui/kit";
import {
  ACTION_LABEL,
  CONDITION_LABEL,
  formatPercent,
  formFromRule,
  inputFromForm,
  newAction,
  newCondition,
  newPart,
  OPERATOR_LABEL,
  percentTotal,
  type ActionRow,
  type ConditionRow,
  type RuleForm,
} from "./ruleForm";
import type { EnvelopeGroup } from "./RulesScreen";

type Payload = { userErrors: readonly UserErrorLike[] };

/** The envelopes a rule may name, grouped by account. */
function EnvelopePicker({
  label,
  value,
  groups,
  error,
  onChange,
}: {
  label: string;
  value: string;
  groups: readonly EnvelopeGroup[];
  error: string | undefined;
  onChange: (id: string) => void;
}) {
  return (
    <SelectField label={label} value={value} error={error} onChange={(e) => onChange(e.target.value)}>
      <option value="">Choose an envelope…</option>
      {groups.map((group) => (
        <optgroup key={group.accountId} label={group.accountName}>
          {group.envelopes.map((envelope) => (
            <option key={envelope.id} value={envelope.id}>
              {envelope.name}
            </option>
          ))}
        </optgroup>
      ))}
    </SelectField>
  );
}

export function RuleEditor({
  rule,
  groups,
  onClose,
}: {
  /** null: a new rule. */
  rule: RuleFieldsFragment | null;
  groups: readonly EnvelopeGroup[];
  onClose: () => void;
}) {
  const [form, setForm] = useState<RuleForm>(() => formFromRule(rule));
  const submit = useSubmit<Payload>();
  const [create] = useMutation(CreateRuleWebDocument, { refetchQueries: ["RulesWeb"] });
  const [update] = useMutation(UpdateRuleWebDocument);
  const errors = submit.errors;

  const setCondition = (i: number, change: Partial<ConditionRow>) =>
    setForm((f) => ({ ...f, conditions: f.conditions.map((c, j) => (j === i ? { ...c, ...change } : c)) }));
  const setAction = (i: number, change: Partial<ActionRow>) =>
    setForm((f) => ({ ...f, actions: f.actions.map((a, j) => (j === i ? { ...a, ...change } : a)) }));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const input = inputFromForm(form);
    void submit
      .run(async () => {
        if (rule) {
          const result = await update({ variables: { input: { ...input, id: rule.id } } });
          return result.data?.updateRule;
        }
        const result = await create({ variables: { input } });
        return result.data?.createRule;
      })
      .then((payload) => {
        if (payload) onClose();
      });
  };

  const shown = ["name", "actions"];
  form.conditions.forEach((_, i) => shown.push(...["type", "operator", "value", "minimum", "maximum", "kind"].map((f) => `conditions.${i}.${f}`)));
  form.actions.forEach((a, i) => {
    shown.push(...["envelopeId", "payee", "tags", "parts"].map((f) => `actions.${i}.${f}`));
    a.parts.forEach((_, j) => shown.push(`actions.${i}.parts.${j}.envelopeId`, `actions.${i}.parts.${j}.percent`));
  });
  const formError = unplacedErrors(errors, shown) ?? submit.problem;

  return (
    <Dialog open title={rule ? `Edit rule “${rule.name}”` : "New rule"} onClose={onClose} wide>
      <form onSubmit={onSubmit} className="rule-form" noValidate>
        <TextField label="Name" value={form.name} error={errors["name"]} onChange={(e) => setForm({ ...form, name: e.target.value })} autoFocus />

        <fieldset className="rule-fieldset">
          <legend>When</legend>
          <SelectField
            label="Which conditions must hold"
            value={form.combine}
            onChange={(e) => setForm({ ...form, combine: e.target.value === "ANY" ? "ANY" : "ALL" })}
          >
            <option value="ALL">All of them</option>
            <option value="ANY">Any one of them</option>
          </SelectField>
          {form.conditions.length === 0 ? <p className="muted">No conditions: the rule applies to every transaction.</p> : null}
          <ol className="rule-rows" aria-label="Conditions">
            {form.conditions.map((c, i) => (
              <li key={c.key} className="rule-row" aria-label={`Condition ${i + 1}`}>
                <SelectField
                  label="Looks at"
                  value={c.type}
                  onChange={(e) => setCondition(i, { type: e.target.value as ConditionRow["type"] })}
                >
                  {Object.entries(CONDITION_LABEL).map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </SelectField>
                {c.type === "PAYEE" || c.type === "MEMO" ? (
                  <>
                    <SelectField
                      label="How"
                      value={c.operator}
                      error={errors[`conditions.${i}.operator`]}
                      onChange={(e) => setCondition(i, { operator: e.target.value as ConditionRow["operator"] })}
                    >
                      {Object.entries(OPERATOR_LABEL).map(([value, label]) => (
                        <option key={value} value={value}>
                          {label}
                        </option>
                      ))}
                    </SelectField>
                    <TextField
                      label={c.operator === "MATCHES" ? "Pattern (* any text, ? one letter, | or)" : "Text"}
                      value={c.value}
                      error={errors[`conditions.${i}.value`]}
                      onChange={(e) => setCondition(i, { value: e.target.value })}
                    />
                  </>
                ) : c.type === "AMOUNT" ? (
                  <>
                    <TextField label="At least" inputMode="decimal" value={c.minimum} error={errors[`conditions.${i}.minimum`]} onChange={(e) => setCondition(i, { minimum: e.target.value })} />
                    <TextField label="At most" inputMode="decimal" value={c.maximum} error={errors[`conditions.${i}.maximum`]} onChange={(e) => setCondition(i, { maximum: e.target.value })} />
                  </>
                ) : (
                  <SelectField label="Direction" value={c.kind} error={errors[`conditions.${i}.kind`]} onChange={(e) => setCondition(i, { kind: e.target.value === "INCOME" ? "INCOME" : "EXPENSE" })}>
                    <option value="EXPENSE">Money out</option>
                    <option value="INCOME">Money in</option>
                  </SelectField>
                )}
                <Button variant="ghost" className="rule-row-remove" aria-label={`Remove condition ${i + 1}`} onClick={() => setForm({ ...form, conditions: form.conditions.filter((_, j) => j !== i) })}>
                  Remove
                </Button>
              </li>
            ))}
          </ol>
          <Button onClick={() => setForm({ ...form, conditions: [...form.conditions, newCondition()] })}>+ Condition</Button>
        </fieldset>

        <fieldset className="rule-fieldset">
          <legend>Then</legend>
          <FormMessage>{errors["actions"]}</FormMessage>
          <ol className="rule-rows" aria-label="Actions">
            {form.actions.map((a, i) => {
              const total = percentTotal(a.parts);
              return (
                <li key={a.key} className="rule-row" aria-label={`Action ${i + 1}`}>
                  <SelectField label="Do" value={a.type} onChange={(e) => setAction(i, { type: e.target.value as ActionRow["type"] })}>
                    {Object.entries(ACTION_LABEL).map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </SelectField>
                  {a.type === "SET_ENVELOPE" ? (
                    <EnvelopePicker label="Envelope" value={a.envelopeId} groups={groups} error={errors[`actions.${i}.envelopeId`]} onChange={(id) => setAction(i, { envelopeId: id })} />
                  ) : a.type === "RENAME_PAYEE" ? (
                    <TextField label="New payee" value={a.payee} error={errors[`actions.${i}.payee`]} onChange={(e) => setAction(i, { payee: e.target.value })} />
                  ) : a.type === "ADD_TAGS" ? (
                    <TextField label="Tags (comma separated)" value={a.tags} error={errors[`actions.${i}.tags`]} onChange={(e) => setAction(i, { tags: e.target.value })} />
                  ) : (
                    <div className="rule-split">
                      {a.parts.map((p, j) => (
                        <div key={p.key} className="rule-split-part">
                          <EnvelopePicker
                            label={`Envelope ${j + 1}`}
                            value={p.envelopeId}
                            groups={groups}
                            error={errors[`actions.${i}.parts.${j}.envelopeId`]}
                            onChange={(id) => setAction(i, { parts: a.parts.map((q, k) => (k === j ? { ...q, envelopeId: id } : q)) })}
                          />
                          <TextField
                            label="%"
                            inputMode="decimal"
                            value={p.percent}
                            error={errors[`actions.${i}.parts.${j}.percent`]}
                            onChange={(e) => setAction(i, { parts: a.parts.map((q, k) => (k === j ? { ...q, percent: e.target.value } : q)) })}
                          />
                          {a.parts.length > 2 ? (
                            <Button variant="ghost" aria-label={`Remove part ${j + 1}`} onClick={() => setAction(i, { parts: a.parts.filter((_, k) => k !== j) })}>
                              ×
                            </Button>
                          ) : null}
                        </div>
                      ))}
                      <div className="rows-foot">
                        <Button variant="ghost" onClick={() => setAction(i, { parts: [...a.parts, newPart()] })}>
                          + Part
                        </Button>
                        <span className={total === 10000n ? "muted" : "rule-split-off"}>
                          {total === null ? "Percentages like 12.5" : `Total ${formatPercent(total)} %`}
                        </span>
                      </div>
                      {errors[`actions.${i}.parts`] ? <p className="field-error">{errors[`actions.${i}.parts`]}</p> : null}
                    </div>
                  )}
                  <Button variant="ghost" className="rule-row-remove" aria-label={`Remove action ${i + 1}`} onClick={() => setForm({ ...form, actions: form.actions.filter((_, j) => j !== i) })}>
                    Remove
                  </Button>
                </li>
              );
            })}
          </ol>
          <Button onClick={() => setForm({ ...form, actions: [...form.actions, newAction()] })}>+ Action</Button>
        </fieldset>

        <fieldset className="rule-fieldset">
          <legend>Where</legend>
          <p className="field-hint">None ticked: every account you own.</p>
          {groups.map((group) => (
            <Checkbox
              key={group.accountId}
              label={group.accountName}
              checked={form.accountIds.includes(group.accountId)}
              onChange={(e) =>
                setForm({
                  ...form,
                  accountIds: e.target.checked ? [...form.accountIds, group.accountId] : form.accountIds.filter((id) => id !== group.accountId),
                })
              }
            />
          ))}
          <Checkbox label="Stop here: when this rule applies, later rules are not tried" checked={form.stop} onChange={(e) => setForm({ ...form, stop: e.target.checked })} />
        </fieldset>

        <FormMessage>{formError}</FormMessage>
        <div className="form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={submit.busy}>
            {rule ? "Save rule" : "Create rule"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
