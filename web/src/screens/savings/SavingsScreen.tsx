import { useMutation, useQuery } from "@apollo/client/react";
import { useId, useState } from "react";

import {
  DismissOpportunityWebDocument,
  SavingsOpportunitiesWebDocument,
  type OpportunityKind,
  type SavingsOpportunityFieldsFragment,
} from "../../gql/graphql";
import { formatDate } from "../../lib/ids";
import { addAmounts, formatMoney } from "../../lib/money";
import { can } from "../../lib/roles";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type UserErrorLike } from "../../lib/userErrors";
import { Amount, Button, Empty, FormMessage, Loading, Problem } from "../../ui/kit";
import { useAccount } from "../account/useAccount";
import "./savings.css";

type Opportunity = SavingsOpportunityFieldsFragment;
type Payload = { userErrors: readonly UserErrorLike[] };

const GROUPS: { kind: OpportunityKind; title: string; stake: string }[] = [
  { kind: "RECURRING_CHARGE", title: "Recurring charges", stake: "a year" },
  { kind: "ABOVE_USUAL", title: "Spending above the usual", stake: "more than usual" },
  { kind: "IDLE_MONEY", title: "Money sitting idle", stake: "idle" },
  { kind: "GOAL_SOONER", title: "Goals you could reach sooner", stake: "to move" },
];

const INTERVAL_LABEL = { WEEKLY: "Weekly", FORTNIGHTLY: "Every two weeks", MONTHLY: "Monthly", QUARTERLY: "Quarterly", YEARLY: "Yearly" } as const;

export function SavingsScreen() {
  const { account } = useAccount();
  const writable = can.edit(account.myRole) && !account.closed;
  // Any new entry may change what is found: ask again each time the screen opens.
  const { data, loading, error, refetch } = useQuery(SavingsOpportunitiesWebDocument, {
    variables: { id: account.id },
    fetchPolicy: "cache-and-network",
  });
  const [notice, setNotice] = useState<string | null>(null);
  const found = data?.account?.savingsOpportunities;

  if (loading && !found) return <Loading label="Looking for savings…" />;
  if (error && !found) return <Problem error={error} onRetry={() => void refetch()} />;
  if (!found?.length) {
    return (
      <div className="sv-screen">
        <FormMessage tone="success">{notice}</FormMessage>
        <Empty title="No savings opportunities right now.">
          <p className="muted sv-empty-text">
            Subscriptions, envelopes spending above their usual and money left idle in Ready to assign show up here as the history grows.
          </p>
        </Empty>
      </div>
    );
  }
  const recurring = found.filter((o) => o.kind === "RECURRING_CHARGE");
  const yearly = recurring.length ? addAmounts(account.currency, ...recurring.map((o) => o.amountAtStake.amount)) : null;
  return (
    <div className="sv-screen">
      <div className="board-toolbar sv-toolbar">
        <h2>Savings</h2>
        <p className="muted sv-summary">
          {found.length === 1 ? "1 opportunity" : `${found.length} opportunities`}
          {yearly ? (
            <>
              {" · "}recurring charges cost <Amount money={{ amount: yearly, currency: account.currency }} /> a year
            </>
          ) : null}
        </p>
      </div>
      <FormMessage tone="success">{notice}</FormMessage>
      {GROUPS.map((group) => {
        const items = found.filter((o) => o.kind === group.kind);
        if (!items.length) return null;
        const headingId = `sv-group-${group.kind.toLowerCase()}`;
        return (
          <section key={group.kind} className="sv-group" aria-labelledby={headingId}>
            <h3 id={headingId}>{group.title}</h3>
            <ul className="sv-list">
              {items.map((o) => (
                <OpportunityCard
                  key={o.key}
                  accountId={account.id}
                  opportunity={o}
                  stake={group.stake}
                  writable={writable}
                  onDismissed={() => setNotice(`“${o.title}” dismissed: it stays away until its facts change.`)}
                />
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

function OpportunityCard({
  accountId,
  opportunity: o,
  stake,
  writable,
  onDismissed,
}: {
  accountId: string;
  opportunity: Opportunity;
  stake: string;
  writable: boolean;
  onDismissed: () => void;
}) {
  const [open, setOpen] = useState(false);
  const submit = useSubmit<Payload>();
  const [dismiss] = useMutation(DismissOpportunityWebDocument);
  // Keys hold spaces (payees): ids for aria come from React instead.
  const id = useId();
  const detailsId = `${id}-entries`;
  const titleId = `${id}-title`;

  const keep = async () => {
    const done = await submit.run(async () => (await dismiss({ variables: { input: { accountId, key: o.key } } })).data?.dismissOpportunity);
    if (done) onDismissed();
  };

  return (
    <li className={`card sv-card sv-kind-${o.kind.toLowerCase()}`} aria-labelledby={titleId}>
      <div className="sv-head">
        <div className="sv-title">
          <h4 id={titleId}>{o.title}</h4>
          <Facts opportunity={o} />
        </div>
        <div className="sv-stake">
          <Amount money={o.amountAtStake} />
          <span className="sv-stake-note muted">{stake}</span>
        </div>
      </div>
      <p className="sv-explanation">{o.explanation}</p>
      <div className="sv-actions">
        <Button aria-expanded={open} aria-controls={detailsId} onClick={() => setOpen(!open)}>
          {open ? "Hide the entries" : o.basedOnCount === 1 ? "Show the entry" : `Show the ${o.basedOnCount} entries`}
        </Button>
        {writable ? (
          <Button onClick={() => void keep()} busy={submit.busy} title="Dismiss it until its facts change">
            I know, keep it
          </Button>
        ) : null}
      </div>
      <FormMessage>{submit.problem ?? unplacedErrors(submit.errors, [])}</FormMessage>
      {open ? (
        <div id={detailsId} className="sv-entries">
          {o.basedOn.length ? (
            <ol aria-label={`Entries behind ${o.title}`}>
              {o.basedOn.map((e) => (
                <li key={e.id}>
                  <time dateTime={e.bookingDate}>{formatDate(e.bookingDate)}</time>
                  <span className="sv-entry-payee">{e.payee ?? e.memo ?? "—"}</span>
                  <Amount money={e.amount} signed />
                </li>
              ))}
            </ol>
          ) : (
            <p className="muted">The entries behind it are older than the last three months.</p>
          )}
          {o.basedOnCount > o.basedOn.length && o.basedOn.length ? (
            <p className="muted sv-more">and {o.basedOnCount - o.basedOn.length} earlier</p>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

function Facts({ opportunity: o }: { opportunity: Opportunity }) {
  const facts: string[] = [];
  if (o.interval) facts.push(INTERVAL_LABEL[o.interval]);
  if (o.latestAmount) facts.push(`${formatMoney(o.latestAmount)} each`);
  if (o.nextExpected) facts.push(`next around ${formatDate(o.nextExpected)}`);
  if (o.usual) facts.push(`usual ${formatMoney(o.usual)} a month`);
  if (o.since) facts.push(`since ${formatDate(o.since)}`);
  const rose = o.previousAmount && o.latestAmount && o.previousAmount.amount !== o.latestAmount.amount;
  return (
    <p className="sv-facts muted">
      {o.envelope ? <span className="badge sv-envelope">{o.envelope.name}</span> : null}
      {rose && o.previousAmount ? <span className="badge sv-badge-rise">Price changed from {formatMoney(o.previousAmount)}</span> : null}
      {facts.join(" · ")}
    </p>
  );
}
