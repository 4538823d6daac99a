import { useMutation } from "@apollo/client/react";
import { useState, type FormEvent } from "react";

import { AccountsOverviewDocument, CloseAccountWebDocument, ReopenAccountWebDocument, UpdateAccountWebDocument } from "../../gql/graphql";
import { can } from "../../lib/roles";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type UserErrorLike } from "../../lib/userErrors";
import { Button, Checkbox, FormMessage, Section, TextField } from "../../ui/kit";
import { ACCOUNT_TYPES } from "../accounts/AccountsScreen";
import { useAccount } from "./useAccount";

type Payload = { userErrors: readonly UserErrorLike[] };

export function AccountSettingsScreen() {
  const { account } = useAccount();
  const admin = can.admin(account.myRole);
  const [update] = useMutation(UpdateAccountWebDocument);
  const [close] = useMutation(CloseAccountWebDocument, { refetchQueries: [AccountsOverviewDocument] });
  const [reopen] = useMutation(ReopenAccountWebDocument, { refetchQueries: [AccountsOverviewDocument] });
  const submit = useSubmit<Payload>();
  const closing = useSubmit<Payload>();
  const [name, setName] = useState(account.name);
  const [institution, setInstitution] = useState(account.institution ?? "");
  const [onBudget, setOnBudget] = useState(account.onBudget);
  const [allowOverdraft, setAllowOverdraft] = useState(account.allowOverdraft);
  const [saved, setSaved] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const done = await submit.run(
      async () =>
        (await update({ variables: { input: { accountId: account.id, name, institution, onBudget, allowOverdraft } } })).data?.updateAccount,
    );
    setSaved(Boolean(done));
  };
  const input = { accountId: account.id };
  const toggleClosed = () =>
    closing.run(async () =>
      account.closed ? (await reopen({ variables: { input } })).data?.reopenAccount : (await close({ variables: { input } })).data?.closeAccount,
    );

  if (!admin) {
    // Members who cannot change the account see its details, not disabled controls.
    return (
      <div className="stack">
        <Section title="Account details" id="account-details">
          <dl className="details">
            <dt>Name</dt>
            <dd>{account.name}</dd>
            <dt>Bank</dt>
            <dd>{account.institution || "—"}</dd>
            <dt>Type</dt>
            <dd>{ACCOUNT_TYPES.find((t) => t.value === account.type)?.label}</dd>
            <dt>Currency</dt>
            <dd>{account.currency}</dd>
            <dt>On budget</dt>
            <dd>{account.onBudget ? "Yes" : "No"}</dd>
            <dt>Envelopes may go below zero</dt>
            <dd>{account.allowOverdraft ? "Yes" : "No"}</dd>
            <dt>Status</dt>
            <dd>{account.closed ? "Closed" : "Open"}</dd>
          </dl>
          <p className="muted">Only the owner and admins can change the account.</p>
        </Section>
      </div>
    );
  }

  return (
    <div className="stack">
      <Section title="Account details" id="account-details">
        <form onSubmit={onSubmit} noValidate className="form-grid">
          <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={submit.errors["name"]} />
          <TextField label="Bank" value={institution} onChange={(e) => setInstitution(e.target.value)} error={submit.errors["institution"]} />
          <p className="field-static">
            Type: {ACCOUNT_TYPES.find((t) => t.value === account.type)?.label} · Currency: {account.currency}
          </p>
          <div className="span-2">
            <Checkbox label="On budget (its money is shared out into envelopes)" checked={onBudget} onChange={(e) => setOnBudget(e.target.checked)} />
            <Checkbox label="Allow envelopes to go below zero (overdraft)" checked={allowOverdraft} onChange={(e) => setAllowOverdraft(e.target.checked)} />
            {submit.errors["allowOverdraft"] ? <p className="field-error">{submit.errors["allowOverdraft"]}</p> : null}
          </div>
          <FormMessage>{unplacedErrors(submit.errors, ["name", "institution", "allowOverdraft"]) ?? submit.problem}</FormMessage>
          <FormMessage tone="success">{saved ? "Saved." : null}</FormMessage>
          <div className="form-actions span-2">
            <Button type="submit" variant="primary" busy={submit.busy}>
              Save changes
            </Button>
          </div>
        </form>
      </Section>
      <Section title={account.closed ? "Reopen the account" : "Close the account"} id="account-close">
          <p>
            {account.closed
              ? "Reopening makes the account usable again, with its envelopes and history."
              : "A closed account keeps its history but takes no new entries. Its balance must be zero."}
          </p>
          <FormMessage>{unplacedErrors(closing.errors, []) ?? closing.problem}</FormMessage>
          <Button variant={account.closed ? "primary" : "danger"} onClick={() => void toggleClosed()} busy={closing.busy}>
            {account.closed ? "Reopen account" : "Close account"}
          </Button>
      </Section>
    </div>
  );
}
