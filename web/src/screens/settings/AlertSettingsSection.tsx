import { useMutation, useQuery } from "@apollo/client/react";
import { useState, type FormEvent } from "react";

import {
  AlertSettingsWebDocument,
  UpdateAlertSettingsWebDocument,
  type AlertKind,
  type AlertSettingsWebQuery,
} from "../../gql/graphql";
import { parseAmount } from "../../lib/money";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type UserErrorLike } from "../../lib/userErrors";
import { MoneyField } from "../../ui/MoneyField";
import { Button, Checkbox, FormMessage, Loading, Problem, Section, TextField } from "../../ui/kit";
import { KIND_LABEL } from "../alerts/kinds";
import "../alerts/alerts.css";

type Data = AlertSettingsWebQuery;
type Settings = Data["alertSettings"];
type Payload = { settings: Settings | null; userErrors: readonly UserErrorLike[] };
type Limits = { balanceBelow: string; transactionAbove: string };

const KINDS = Object.keys(KIND_LABEL) as AlertKind[];

/** Which alerts the person gets: kinds, the share of a plan, and thresholds per account. */
export function AlertSettingsSection() {
  const { data, loading, error, refetch } = useQuery(AlertSettingsWebDocument);
  let body;
  if (loading && !data) body = <Loading label="Loading your alert settings…" />;
  else if (error && !data) body = <Problem error={error} onRetry={() => void refetch()} />;
  else if (data) body = <AlertSettingsForm data={data} />;
  return (
    <Section title="Alerts" id="alert-settings">
      <p className="muted devices-intro">
        Alerts arrive when something happens in the accounts you are a member of. Low-balance and large-transaction
        alerts need a threshold on the account.
      </p>
      {body}
    </Section>
  );
}

function AlertSettingsForm({ data }: { data: Data }) {
  const [save] = useMutation(UpdateAlertSettingsWebDocument);
  const submit = useSubmit<Payload>();
  const settings = data.alertSettings;
  const accounts = data.accounts;
  const [kinds, setKinds] = useState(() => new Set<AlertKind>(settings.enabledKinds));
  const [share, setShare] = useState(String(settings.planShare));
  const [limits, setLimits] = useState<Record<string, Limits>>(() =>
    Object.fromEntries(
      accounts.map((a) => {
        const found = settings.thresholds.find((t) => t.account.id === a.id);
        return [a.id, { balanceBelow: found?.balanceBelow?.amount ?? "", transactionAbove: found?.transactionAbove?.amount ?? "" }];
      }),
    ),
  );
  const [local, setLocal] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    // Amounts are read as people type them ("1 200,50"); the API gets decimal strings.
    const problems: Record<string, string> = {};
    if (!/^\d{1,4}$/.test(share.trim())) problems["planShare"] = "Enter a whole percentage, 1 to 1000.";
    const thresholds = accounts.map((a, index) => {
      const row = limits[a.id] ?? { balanceBelow: "", transactionAbove: "" };
      const read = (name: keyof Limits, allowNegative: boolean) => {
        const text = row[name].trim();
        if (!text) return null;
        const parsed = parseAmount(text, a.currency, { allowNegative, allowZero: allowNegative });
        if (!parsed.ok) {
          problems[`thresholds.${index}.${name}`] = parsed.message;
          return null;
        }
        return parsed.amount;
      };
      return { accountId: a.id, balanceBelow: read("balanceBelow", true), transactionAbove: read("transactionAbove", false) };
    });
    setLocal(problems);
    if (Object.keys(problems).length) return;
    const input = { enabledKinds: KINDS.filter((k) => kinds.has(k)), planShare: Number(share.trim()), thresholds };
    const payload = await submit.run(
      async () =>
        (
          await save({
            variables: { input },
            update: (cache, { data: answer }) => {
              const saved = answer?.updateAlertSettings.settings;
              if (saved) cache.writeQuery({ query: AlertSettingsWebDocument, data: { ...data, alertSettings: saved } });
            },
          })
        ).data?.updateAlertSettings,
    );
    if (payload?.settings) setDone("Saved.");
  };

  const errors = { ...submit.errors, ...local };
  const shown = ["planShare", ...accounts.flatMap((_, i) => [`thresholds.${i}.balanceBelow`, `thresholds.${i}.transactionAbove`])];
  const setLimit = (accountId: string, name: keyof Limits, value: string) => {
    setDone(null);
    setLimits((all) => ({ ...all, [accountId]: { ...(all[accountId] ?? { balanceBelow: "", transactionAbove: "" }), [name]: value } }));
  };

  return (
    <form onSubmit={onSubmit} noValidate className="alert-settings-form">
      <fieldset className="alert-kinds">
        <legend>Tell me when</legend>
        {KINDS.map((kind) => (
          <Checkbox
            key={kind}
            label={KIND_LABEL[kind]}
            checked={kinds.has(kind)}
            onChange={(e) => {
              setDone(null);
              const next = new Set(kinds);
              if (e.target.checked) next.add(kind);
              else next.delete(kind);
              setKinds(next);
            }}
          />
        ))}
      </fieldset>
      <TextField
        className="alert-share"
        label="Plan exceeded at (% of the plan)"
        inputMode="numeric"
        value={share}
        onChange={(e) => {
          setDone(null);
          setShare(e.target.value);
        }}
        error={errors["planShare"]}
        hint="100 % alerts when spending passes the whole plan; 80 % warns earlier."
      />
      {accounts.length ? (
        <table className="alert-thresholds">
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Balance below</th>
              <th scope="col">Transaction above</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a, i) => (
              <tr key={a.id}>
                <th scope="row">{a.name}</th>
                <td>
                  <MoneyField
                    label={`${a.name}: balance below`}
                    currency={a.currency}
                    value={limits[a.id]?.balanceBelow ?? ""}
                    onChange={(e) => setLimit(a.id, "balanceBelow", e.target.value)}
                    error={errors[`thresholds.${i}.balanceBelow`]}
                    placeholder="off"
                  />
                </td>
                <td>
                  <MoneyField
                    label={`${a.name}: transaction above`}
                    currency={a.currency}
                    value={limits[a.id]?.transactionAbove ?? ""}
                    onChange={(e) => setLimit(a.id, "transactionAbove", e.target.value)}
                    error={errors[`thresholds.${i}.transactionAbove`]}
                    placeholder="off"
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <FormMessage>{unplacedErrors(errors, shown) ?? submit.problem}</FormMessage>
      <FormMessage tone="success">{done}</FormMessage>
      <div className="form-actions">
        {submit.problem && submit.retryable ? (
          <Button onClick={submit.retry} busy={submit.busy}>
            Retry
          </Button>
        ) : null}
        <Button type="submit" variant="primary" busy={submit.busy}>
          Save alert settings
        </Button>
      </div>
    </form>
  );
}
