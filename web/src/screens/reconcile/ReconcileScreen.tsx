import { useMutation, useQuery } from "@apollo/client/react";
import { useState, type FormEvent } from "react";
import { Link } from "react-router";

import { afterMoneyChange } from "../../apollo/afterChange";
import {
  ReconcileAccountWebDocument,
  ReconcileInfoDocument,
  ReopenReconciliationWebDocument,
  type ReconcileAccountWebMutation,
  type ReconcileInfoQuery,
} from "../../gql/graphql";
import { formatDate, formatDateTime, today } from "../../lib/ids";
import { formatMoney, fromMinor, parseAmount, toMinor, type MoneyValue } from "../../lib/money";
import { can } from "../../lib/roles";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type FieldErrors, type UserErrorLike } from "../../lib/userErrors";
import { Amount, Avatar, Button, FormMessage, Loading, Problem, Section, TextField } from "../../ui/kit";
import { MoneyField } from "../../ui/MoneyField";
import { useAccount } from "../account/useAccount";
import "./reconcile.css";

type Info = NonNullable<ReconcileInfoQuery["account"]>;

export function ReconcileScreen() {
  const { account } = useAccount();
  const { data, loading, error, refetch } = useQuery(ReconcileInfoDocument, { variables: { id: account.id } });
  const info = data?.account;
  const writable = can.edit(account.myRole) && !account.closed;

  if (loading && !info) return <Loading label="Loading the reconciliation…" />;
  if (error && !info) return <Problem error={error} onRetry={() => void refetch()} />;
  if (!info) return <Problem error={error} onRetry={() => void refetch()} />;

  const historyLink = `/accounts/${account.id}/history?cleared=UNCLEARED`;
  return (
    <div className="reconcile stack">
      <Section title="Against the bank" id="reconcile-figures">
        <dl className="reconcile-figures">
          <div>
            <dt>Balance</dt>
            <dd>
              <Amount money={info.balance} />
            </dd>
            <dd className="reconcile-note">Every entry recorded</dd>
          </div>
          <div className="reconcile-figure-main">
            <dt>Cleared balance</dt>
            <dd>
              <Amount money={info.clearedBalance} />
            </dd>
            <dd className="reconcile-note">Entries the bank has seen</dd>
          </div>
          <div>
            <dt>Reconciled balance</dt>
            <dd>
              <Amount money={info.reconciledBalance} />
            </dd>
            <dd className="reconcile-note">{info.reconciledThrough ? `Through ${formatDate(info.reconciledThrough)}` : "Not reconciled yet"}</dd>
          </div>
        </dl>
        <p className="reconcile-uncleared">
          {info.uncleared.count === 0 ? (
            "Every entry is cleared."
          ) : (
            <>
              {info.uncleared.count === 1 ? "1 entry is" : `${info.uncleared.count} entries are`} not cleared yet (
              <Amount money={info.uncleared.net} signed />
              ). <Link to={historyLink}>{writable ? "Clear entries in the history" : "See them in the history"}</Link>
            </>
          )}
        </p>
      </Section>

      {writable ? <ReconcileForm info={info} historyLink={historyLink} /> : null}
      {!writable && account.closed && can.edit(account.myRole) ? (
        <p className="read-only-note" role="note">
          This account is closed: it cannot be reconciled.
        </p>
      ) : null}

      <LastReconciliation info={info} writable={writable} />
    </div>
  );
}

type Payload = { userErrors: readonly UserErrorLike[] };
type ReconcilePayload = ReconcileAccountWebMutation["reconcileAccount"];

interface Mismatch {
  statementDate: string;
  statementBalance: string;
  difference: MoneyValue;
}

function ReconcileForm({ info, historyLink }: { info: Info; historyLink: string }) {
  const currency = info.currency;
  const [date, setDate] = useState(today());
  const [balance, setBalance] = useState("");
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const [mismatch, setMismatch] = useState<Mismatch | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = useSubmit<ReconcilePayload>();
  const [reconcile] = useMutation(ReconcileAccountWebDocument);

  const send = async (statementDate: string, statementBalance: string, adjust: boolean) => {
    setDone(null);
    const result = await submit.run(async (idempotencyKey) => {
      const answer = await reconcile({
        variables: { input: { accountId: info.id, statementDate, statementBalance, adjust, idempotencyKey } },
        update: (cache, { data }) => {
          if (!data || data.reconcileAccount.userErrors.length) return;
          // Entries changed status (and an adjustment may have moved money): history reloads.
          afterMoneyChange(cache, [info.id]);
        },
      });
      const payload = answer.data?.reconcileAccount;
      const refused = payload?.userErrors.find((e) => e.code === "BALANCE_MISMATCH");
      setMismatch(refused && payload?.difference ? { statementDate, statementBalance, difference: payload.difference } : null);
      return payload;
    });
    if (result) {
      const count = result.account?.lastReconciliation?.entryCount ?? 0;
      setDone(
        `Reconciled through ${formatDate(statementDate)}: ${count === 1 ? "1 entry" : `${count} entries`}` +
          (result.adjustment ? `, with an adjustment of ${formatMoney(result.adjustment.amount, { signed: true })}.` : "."),
      );
      setBalance("");
      setMismatch(null);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const problems: FieldErrors = {};
    if (!date) problems["statementDate"] = "Enter the statement's date.";
    else if (info.reconciledThrough && date < info.reconciledThrough) {
      problems["statementDate"] = `The last statement was ${formatDate(info.reconciledThrough)}: choose that day or later.`;
    }
    const parsed = parseAmount(balance, currency, { allowNegative: true, allowZero: true });
    if (!parsed.ok) problems["statementBalance"] = parsed.message;
    setLocalErrors(problems);
    if (Object.keys(problems).length || !parsed.ok) return;
    void send(date, parsed.amount, false);
  };

  const errors: FieldErrors = { ...submit.errors, ...localErrors };
  // A BALANCE_MISMATCH (on statementBalance) is explained by the panel below instead.
  if (mismatch && !localErrors["statementBalance"]) delete errors["statementBalance"];
  const formLevel = unplacedErrors(errors, ["statementDate", "statementBalance"]);

  return (
    <Section title="Reconcile with a statement" id="reconcile-form">
      <form className="form-grid reconcile-form" onSubmit={onSubmit} noValidate aria-label="Reconcile with a statement">
        <TextField
          label="Statement date"
          type="date"
          value={date}
          min={info.reconciledThrough ?? undefined}
          onChange={(e) => {
            setDate(e.target.value);
            setMismatch(null);
          }}
          error={errors["statementDate"]}
        />
        <MoneyField
          label="Statement balance"
          currency={currency}
          value={balance}
          onChange={(e) => {
            setBalance(e.target.value);
            setMismatch(null);
          }}
          error={errors["statementBalance"]}
          hint="The balance the bank shows on that date (negative for a debt)."
        />
        <FormMessage>{formLevel ?? submit.problem}</FormMessage>
        <FormMessage tone="success">{done}</FormMessage>
        {mismatch ? <MismatchPanel mismatch={mismatch} currency={currency} busy={submit.busy} historyLink={historyLink} onAdjust={() => void send(mismatch.statementDate, mismatch.statementBalance, true)} /> : null}
        <div className="form-actions span-2">
          {submit.problem && submit.retryable ? (
            <Button onClick={submit.retry} busy={submit.busy}>
              Retry (same request)
            </Button>
          ) : null}
          {!mismatch ? (
            <Button type="submit" variant="primary" busy={submit.busy}>
              Reconcile
            </Button>
          ) : null}
        </div>
      </form>
    </Section>
  );
}

function MismatchPanel({
  mismatch,
  currency,
  busy,
  historyLink,
  onAdjust,
}: {
  mismatch: Mismatch;
  currency: string;
  busy: boolean;
  historyLink: string;
  onAdjust: () => void;
}) {
  const cleared = fromMinor(toMinor(mismatch.statementBalance, currency) - toMinor(mismatch.difference.amount, currency), currency);
  const difference = formatMoney(mismatch.difference, { signed: true });
  return (
    <div className="reconcile-mismatch span-2" role="alert" aria-label="The statement does not match">
      <p className="reconcile-mismatch-title">The statement does not match your cleared entries.</p>
      <dl className="reconcile-mismatch-figures">
        <div>
          <dt>Statement on {formatDate(mismatch.statementDate)}</dt>
          <dd>
            <Amount money={{ amount: mismatch.statementBalance, currency }} />
          </dd>
        </div>
        <div>
          <dt>Cleared through that day</dt>
          <dd>
            <Amount money={{ amount: cleared, currency }} />
          </dd>
        </div>
        <div className="reconcile-difference">
          <dt>Difference</dt>
          <dd>
            <Amount money={mismatch.difference} signed />
          </dd>
        </div>
      </dl>
      <p>
        Mark the entries the statement shows as cleared, or record the difference as an adjustment into (or out of) Ready to
        assign.
      </p>
      <div className="reconcile-choices">
        <Link className="btn btn-secondary" to={historyLink}>
          Clear entries in the history
        </Link>
        <Button variant="primary" busy={busy} onClick={onAdjust}>
          Record an adjustment of {difference} and reconcile
        </Button>
      </div>
    </div>
  );
}

function LastReconciliation({ info, writable }: { info: Info; writable: boolean }) {
  const last = info.lastReconciliation;
  const [confirming, setConfirming] = useState(false);
  const [reopened, setReopened] = useState<string | null>(null);
  const submit = useSubmit<Payload>();
  const [reopen] = useMutation(ReopenReconciliationWebDocument);

  const run = async () => {
    const statement = last ? formatDate(last.statementDate) : "";
    const result = await submit.run(async (idempotencyKey) => {
      const answer = await reopen({
        variables: { input: { accountId: info.id, idempotencyKey } },
        update: (cache, { data }) => {
          if (!data || data.reopenReconciliation.userErrors.length) return;
          afterMoneyChange(cache, [info.id]);
        },
      });
      return answer.data?.reopenReconciliation;
    });
    if (result) {
      setConfirming(false);
      setReopened(`The statement of ${statement} was reopened: its entries are cleared again and can be changed.`);
    }
  };

  return (
    <Section title="Last reconciliation" id="reconcile-last">
      <FormMessage tone="success">{reopened}</FormMessage>
      {!last ? (
        <p className="muted">No statement has been reconciled yet.</p>
      ) : (
        <>
          <dl className="reconcile-last">
            <div>
              <dt>Statement date</dt>
              <dd>{formatDate(last.statementDate)}</dd>
            </div>
            <div>
              <dt>Statement balance</dt>
              <dd>
                <Amount money={last.statementBalance} />
              </dd>
            </div>
            <div>
              <dt>Entries</dt>
              <dd>{last.entryCount}</dd>
            </div>
            <div>
              <dt>Adjustment</dt>
              <dd>{last.adjustment ? <Amount money={last.adjustment.amount} signed /> : "None"}</dd>
            </div>
            <div className="reconcile-by">
              <dt>Reconciled</dt>
              <dd>
                <Avatar name={last.reconciledBy.displayName} color={last.reconciledBy.avatarColor} size={22} />
                <span>
                  {last.reconciledBy.displayName}, {formatDateTime(last.reconciledAt)}
                </span>
              </dd>
            </div>
          </dl>
          {writable ? (
            confirming ? (
              <div className="reconcile-confirm" role="group" aria-label="Reopen the last reconciliation">
                <p>
                  Reopen the statement of {formatDate(last.statementDate)}? Its {last.entryCount === 1 ? "entry goes" : `${last.entryCount} entries go`} back
                  to cleared{last.adjustment ? " (the adjustment too)" : ""}, so they can be changed or undone again.
                </p>
                <FormMessage>{unplacedErrors(submit.errors, []) ?? submit.problem}</FormMessage>
                <div className="form-actions">
                  <Button onClick={() => setConfirming(false)}>Cancel</Button>
                  <Button variant="danger" busy={submit.busy} onClick={() => void run()}>
                    Yes, reopen it
                  </Button>
                </div>
              </div>
            ) : (
              <Button
                variant="danger"
                onClick={() => {
                  submit.reset();
                  setReopened(null);
                  setConfirming(true);
                }}
              >
                Reopen the last reconciliation
              </Button>
            )
          ) : null}
        </>
      )}
    </Section>
  );
}
