import { useMutation, useQuery } from "@apollo/client/react";
import { lazy, Suspense, useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";

import { AccountsOverviewDocument, OpenAccountWebDocument, type AccountType, type OpenAccountWebMutation } from "../../gql/graphql";
import { addAmounts } from "../../lib/money";
import { ROLE_LABEL } from "../../lib/roles";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors } from "../../lib/userErrors";
import { Dialog } from "../../ui/Dialog";
import { Amount, Button, Checkbox, Empty, FormMessage, Loading, Problem, SelectField, TextField } from "../../ui/kit";

// The household budget card carries the chart library: loaded after the first screen.
const HouseholdBudgetCard = lazy(() => import("../dashboard/HouseholdBudgetCard"));

export const ACCOUNT_TYPES: { value: AccountType; label: string }[] = [
  { value: "CHECKING", label: "Checking" },
  { value: "SAVINGS", label: "Savings" },
  { value: "CREDIT_CARD", label: "Credit card" },
  { value: "CASH", label: "Cash" },
  { value: "LOAN", label: "Loan" },
  { value: "OTHER", label: "Other" },
];

export function AccountsScreen() {
  const [showClosed, setShowClosed] = useState(false);
  const [opening, setOpening] = useState(false);
  const { data, loading, error, refetch } = useQuery(AccountsOverviewDocument, { variables: { includeClosed: showClosed } });
  const accounts = data?.accounts ?? [];
  const open = accounts.filter((a) => !a.closed);

  // Balances per currency, summed on minor units (never across currencies).
  const totals = new Map<string, string[]>();
  for (const account of open) totals.set(account.currency, [...(totals.get(account.currency) ?? []), account.balance.amount]);

  return (
    <div className="page">
      <div className="page-header">
        <h1>Your accounts</h1>
        <Button variant="primary" onClick={() => setOpening(true)}>
          Open an account
        </Button>
      </div>
      {totals.size ? (
        <ul className="totals" aria-label="Balances by currency">
          {[...totals].map(([currency, amounts]) => (
            <li key={currency} className="total-card">
              <span className="total-label">Total in {currency}</span>
              <Amount money={{ amount: addAmounts(currency, ...amounts), currency }} className="total-amount" />
            </li>
          ))}
        </ul>
      ) : null}
      {loading && !data ? <Loading label="Loading your accounts…" /> : null}
      {error && !data ? <Problem error={error} onRetry={() => void refetch()} /> : null}
      {data && accounts.length === 0 ? (
        <Empty title="No accounts yet.">
          <p>Open one for each bank account, card or cash jar you budget with.</p>
          <Button variant="primary" onClick={() => setOpening(true)}>
            Open your first account
          </Button>
        </Empty>
      ) : null}
      {accounts.length ? (
        <ul className="account-list">
          {accounts.map((account) => (
            <li key={account.id} className={`account-card${account.closed ? " account-closed" : ""}`}>
              <Link to={`/accounts/${encodeURIComponent(account.id)}`} className="account-link">
                <span className="account-name">{account.name}</span>
                <span className="account-meta">
                  {ACCOUNT_TYPES.find((t) => t.value === account.type)?.label}
                  {account.institution ? ` · ${account.institution}` : ""}
                  {account.closed ? " · Closed" : ""}
                  {account.myRole !== "OWNER" ? ` · ${ROLE_LABEL[account.myRole]}` : ""}
                </span>
                <Amount money={account.balance} className="account-balance" />
                <span className="account-available">
                  Ready to assign <Amount money={account.available.balance} />
                </span>
              </Link>
              {account.members.length > 1 ? (
                <span className="account-members" aria-label={`Shared with ${account.members.length - 1} people`}>
                  {account.members.map((m) => (
                    <span key={m.profile.id} className="avatar avatar-small" style={{ background: m.profile.avatarColor }} title={`${m.profile.displayName} (${ROLE_LABEL[m.role]})`}>
                      {m.profile.displayName.slice(0, 1).toUpperCase()}
                    </span>
                  ))}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {open.length ? (
        <Suspense fallback={null}>
          <HouseholdBudgetCard />
        </Suspense>
      ) : null}
      {data ? <Checkbox label="Show closed accounts" checked={showClosed} onChange={(e) => setShowClosed(e.target.checked)} /> : null}
      <OpenAccountDialog open={opening} onClose={() => setOpening(false)} />
    </div>
  );
}

function OpenAccountDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const [openAccount] = useMutation(OpenAccountWebDocument, {
    refetchQueries: [AccountsOverviewDocument],
  });
  const submit = useSubmit<NonNullable<OpenAccountWebMutation["openAccount"]>>();
  const [name, setName] = useState("");
  const [type, setType] = useState<AccountType>("CHECKING");
  const [currency, setCurrency] = useState("EUR");
  const [institution, setInstitution] = useState("");
  const [openingBalance, setOpeningBalance] = useState("0");
  const [envelopes, setEnvelopes] = useState("Rent, Food, Bills, Holidays");

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const names = envelopes.split(",").map((n) => n.trim()).filter(Boolean);
    const payload = await submit.run(async (idempotencyKey) =>
      (
        await openAccount({
          variables: {
            input: {
              name,
              type,
              currency: currency.trim().toUpperCase(),
              institution: institution.trim() || null,
              openingBalance: openingBalance.trim() || "0",
              envelopeNames: names,
              idempotencyKey,
            },
          },
        })
      ).data?.openAccount,
    );
    if (payload?.account) {
      onClose();
      navigate(`/accounts/${encodeURIComponent(payload.account.id)}`);
    }
  };
  const shown = ["name", "type", "currency", "institution", "openingBalance", "envelopeNames"];
  return (
    <Dialog open={open} title="Open an account" onClose={onClose}>
      <form onSubmit={onSubmit} noValidate className="form-grid">
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={submit.errors["name"]} required autoFocus placeholder="Joint account" />
        <SelectField label="Type" value={type} onChange={(e) => setType(e.target.value as AccountType)} error={submit.errors["type"]}>
          {ACCOUNT_TYPES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </SelectField>
        <TextField label="Currency" value={currency} maxLength={3} onChange={(e) => setCurrency(e.target.value)} error={submit.errors["currency"]} hint="ISO code: EUR, USD, GBP…" />
        <TextField label="Bank (optional)" value={institution} onChange={(e) => setInstitution(e.target.value)} error={submit.errors["institution"]} />
        <TextField label="Opening balance" inputMode="decimal" value={openingBalance} onChange={(e) => setOpeningBalance(e.target.value)} error={submit.errors["openingBalance"]} hint="What the bank shows today; it starts in Ready to assign." />
        <TextField label="Envelopes" value={envelopes} onChange={(e) => setEnvelopes(e.target.value)} error={submit.errors["envelopeNames"]} hint="Comma-separated; you can add more later." className="span-2" />
        <FormMessage>{unplacedErrors(submit.errors, shown) ?? submit.problem}</FormMessage>
        <div className="form-actions span-2">
          {submit.problem && submit.retryable ? (
            <Button onClick={submit.retry}>Retry</Button>
          ) : null}
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={submit.busy}>
            Open account
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
