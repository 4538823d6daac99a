import { useQuery, useSubscription } from "@apollo/client/react";
import { useCallback, useEffect, useState } from "react";
import { NavLink, Outlet, useParams } from "react-router";

import { afterMoneyChange } from "../../apollo/afterChange";
import { AccountBoardDocument, AccountLiveDocument } from "../../gql/graphql";
import { can, ROLE_LABEL } from "../../lib/roles";
import { Amount, Button, Empty, Loading, Problem } from "../../ui/kit";
import { RecordDialog } from "./RecordDialog";
import type { AccountOutlet, RecordKind } from "./useAccount";

const TABS = [
  { to: "", label: "Envelopes", end: true },
  { to: "history", label: "History" },
  { to: "review", label: "Review" },
  { to: "budget", label: "Budget" },
  { to: "forecast", label: "Forecast" },
  { to: "schedules", label: "Schedules" },
  { to: "paydays", label: "Paydays" },
  { to: "reconcile", label: "Reconcile" },
  { to: "savings", label: "Savings" },
  { to: "import", label: "Import" },
  { to: "members", label: "Sharing" },
  { to: "settings", label: "Settings" },
  { to: "webhooks", label: "Webhooks", admins: true }, // a webhook's URL may carry a token
];

export function AccountLayout() {
  const { accountId = "" } = useParams();
  const { data, loading, error, refetch } = useQuery(AccountBoardDocument, { variables: { id: accountId } });
  const [recording, setRecording] = useState<{ kind: RecordKind; envelopeId?: string | undefined } | null>(null);
  // Live: changes made elsewhere (another tab or member, a schedule, an import) update the
  // board in place through the cache; new entries refresh the history pages.
  useSubscription(AccountLiveDocument, {
    variables: { accountId },
    skip: !accountId,
    onData: ({ client, data: live }) => {
      if (live.data?.accountChanged.entries.length) afterMoneyChange(client.cache, [accountId]);
    },
  });
  const account = data?.account;
  const writable = can.edit(account?.myRole) && !account?.closed;

  const record = useCallback((kind: RecordKind = "expense", envelopeId?: string) => setRecording({ kind, envelopeId }), []);

  // Keyboard first: "n" records a new expense from anywhere on the account (not while typing).
  useEffect(() => {
    if (!writable) return;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.key !== "n" || event.ctrlKey || event.metaKey || event.altKey) return;
      if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
      if (document.querySelector("dialog[open]")) return;
      event.preventDefault();
      record("expense");
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [writable, record]);

  if (loading && !data) return <Loading label="Opening the account…" />;
  if (error && !data) return <Problem error={error} onRetry={() => void refetch()} />;
  if (!account) {
    return (
      <Empty title="This account does not exist or is not shared with you.">
        <a href="/">Back to your accounts</a>
      </Empty>
    );
  }
  const outlet: AccountOutlet = { account, record };
  return (
    <div className="page account-page">
      <header className="account-header">
        <div className="account-title">
          <h1>{account.name}</h1>
          <p className="account-sub">
            {account.currency}
            {account.institution ? ` · ${account.institution}` : ""}
            {account.myRole !== "OWNER" ? ` · You are ${ROLE_LABEL[account.myRole].toLowerCase()}` : ""}
            {account.closed ? " · Closed" : ""}
          </p>
        </div>
        <div className="account-figures">
          <div className="figure">
            <span className="figure-label">Balance</span>
            <Amount money={account.balance} className="figure-value" />
          </div>
          <div className={`figure figure-available${account.available.balance.amount.startsWith("-") ? " figure-negative" : ""}`}>
            <span className="figure-label">Ready to assign</span>
            <Amount money={account.available.balance} className="figure-value" />
          </div>
        </div>
        {writable ? (
          <div className="account-actions">
            <Button variant="primary" onClick={() => record("expense")} aria-keyshortcuts="n" title="Record spending (n)">
              Record spending
            </Button>
            <Button onClick={() => record("income")}>Add income</Button>
            <Button onClick={() => record("move")}>Move money</Button>
          </div>
        ) : account.myRole === "VIEWER" ? (
          <p className="read-only-note" role="note">
            You can see this account but not change it.
          </p>
        ) : null}
      </header>
      <nav className="tabs" aria-label="Account">
        {TABS.filter((tab) => !tab.admins || account.myRole === "OWNER" || account.myRole === "ADMIN").map((tab) => (
          <NavLink key={tab.to} to={tab.to} end={tab.end ?? false} className="tab">
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet context={outlet} />
      {recording ? (
        <RecordDialog account={account} initial={recording.kind} envelopeId={recording.envelopeId} onClose={() => setRecording(null)} />
      ) : null}
    </div>
  );
}
