import { useMutation } from "@apollo/client/react";
import { useState } from "react";

import { afterMoneyChange } from "../../apollo/afterChange";
import { ApplyRulesWebDocument, type ApplyRulesWebMutation } from "../../gql/graphql";
import { formatDate } from "../../lib/ids";
import { describeProblem } from "../../lib/requestErrors";
import { Amount, Button, Checkbox, FormMessage, Section, SelectField, TextField } from "../../ui/kit";
import type { EnvelopeGroup } from "./RulesScreen";

type Run = ApplyRulesWebMutation["applyRules"];
type Change = Run["changes"][number];

function envelopes(change: Change): string {
  return change.lines.map((l) => (l.envelope.isAvailable ? "Ready to assign" : l.envelope.name)).join(", ");
}

/** "Apply to existing entries": a dry run first, then the same run recorded as corrections. */
export function ApplyRulesPanel({ accounts }: { accounts: readonly EnvelopeGroup[] }) {
  const [accountId, setAccountId] = useState(accounts[0]?.accountId ?? "");
  const [since, setSince] = useState("");
  const [onlyUncategorised, setOnlyUncategorised] = useState(true);
  const [preview, setPreview] = useState<Run | null>(null);
  const [done, setDone] = useState<Run | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [apply] = useMutation(ApplyRulesWebDocument);

  const run = async (dryRun: boolean) => {
    setBusy(true);
    setProblem(null);
    try {
      const result = await apply({
        variables: { input: { accountId, dryRun, onlyUncategorised, since: since || null } },
        update: (cache, { data }) => {
          if (!dryRun && data && !data.applyRules.userErrors.length) afterMoneyChange(cache, [accountId]);
        },
      });
      const payload = result.data?.applyRules;
      if (!payload) return;
      if (payload.userErrors.length) {
        setProblem(payload.userErrors.map((e) => e.message).join(" "));
        return;
      }
      if (dryRun) {
        setPreview(payload);
        setDone(null);
      } else {
        setDone(payload);
        setPreview(null);
      }
    } catch (error) {
      setProblem(describeProblem(error).message);
    } finally {
      setBusy(false);
    }
  };
  const reset = () => {
    setPreview(null);
    setDone(null);
  };
  const recorded = done?.changes.filter((c) => c.correction) ?? [];
  const refused = done?.changes.filter((c) => c.refusal) ?? [];

  return (
    <Section title="Apply rules to existing entries" id="apply-rules">
      <div className="apply-form">
        <SelectField label="Account" value={accountId} onChange={(e) => (setAccountId(e.target.value), reset())}>
          {accounts.map((a) => (
            <option key={a.accountId} value={a.accountId}>
              {a.accountName}
            </option>
          ))}
        </SelectField>
        <TextField label="Booked since (optional)" type="date" value={since} onChange={(e) => (setSince(e.target.value), reset())} />
        <Checkbox label="Only entries left in Ready to assign" checked={onlyUncategorised} onChange={(e) => (setOnlyUncategorised(e.target.checked), reset())} />
        <Button onClick={() => void run(true)} busy={busy && !preview}>
          Preview
        </Button>
      </div>
      <FormMessage>{problem}</FormMessage>
      {preview ? (
        preview.changes.length === 0 ? (
          <FormMessage tone="info">No entry would change ({preview.examined} looked at).</FormMessage>
        ) : (
          <>
            <p className="muted">
              {preview.changes.length} of {preview.examined} entries would move{preview.hasMore ? " (more are older: narrow the dates)" : ""}:
            </p>
            <ul className="apply-changes" aria-label="Changes the rules would make">
              {preview.changes.map((change) => (
                <li key={change.transaction.id}>
                  <span className="apply-date">{formatDate(change.transaction.bookingDate)}</span>
                  <span className="apply-payee">{change.transaction.payee ?? `#${change.transaction.sequence}`}</span>
                  <Amount money={change.transaction.amount} signed />
                  <span className="apply-to">→ {envelopes(change)}</span>
                  <span className="apply-why muted">{change.explanation}</span>
                </li>
              ))}
            </ul>
            <div className="form-actions">
              <Button onClick={reset}>Cancel</Button>
              <Button variant="primary" busy={busy} onClick={() => void run(false)}>
                Apply {preview.changes.length} {preview.changes.length === 1 ? "change" : "changes"}
              </Button>
            </div>
          </>
        )
      ) : null}
      {done ? (
        <FormMessage tone={refused.length ? "error" : "success"}>
          Recategorised {recorded.length} {recorded.length === 1 ? "entry" : "entries"}.
          {refused.length ? ` ${refused.length} could not be moved: ${refused.map((c) => c.refusal?.message).join(" ")}` : ""}
        </FormMessage>
      ) : null}
    </Section>
  );
}
