import { useMutation, useQuery } from "@apollo/client/react";
import { useState } from "react";

import { afterMoneyChange } from "../../apollo/afterChange";
import { MarkReviewedWebDocument, RecategoriseWebDocument, ReviewQueueWebDocument, type HistoryEntryFragment } from "../../gql/graphql";
import { formatDate } from "../../lib/ids";
import { can } from "../../lib/roles";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type UserErrorLike } from "../../lib/userErrors";
import { Amount, Button, Empty, Loading, Problem, SelectField } from "../../ui/kit";
import { useAccount, type BoardAccount } from "../account/useAccount";
import { currentEnvelope, RecategoriseDialog, usableEnvelopes } from "./RecategoriseDialog";
import "./review.css";

const PAGE = 50;
type Payload = { userErrors: readonly UserErrorLike[] };

/** Entries waiting for a look (imported with no envelope): put each in an envelope, or confirm it. */
export function ReviewScreen() {
  const { account } = useAccount();
  const editable = can.edit(account.myRole) && !account.closed;
  const { data, loading, error, refetch, fetchMore } = useQuery(ReviewQueueWebDocument, {
    variables: { accountId: account.id, first: PAGE },
    fetchPolicy: "cache-and-network",
  });
  if (loading && !data) return <Loading label="Loading the review queue…" />;
  if (error && !data) return <Problem error={error} onRetry={() => void refetch()} />;
  const connection = data?.reviewQueue;
  const entries = connection?.edges.map((e) => e.node) ?? [];
  if (!entries.length) {
    return (
      <Empty title="Nothing to review.">
        <p>Imported entries that no rule could place wait here, drawn from Ready to assign.</p>
      </Empty>
    );
  }
  return (
    <div className="review">
      <p className="muted review-intro">
        {entries.length}
        {connection?.pageInfo.hasNextPage ? "+" : ""} {entries.length === 1 ? "entry waits" : "entries wait"} for a look. Put each in its envelope, or confirm it as it is.
      </p>
      <ul className="review-list" aria-label="Entries to review">
        {entries.map((entry) => (
          <ReviewRow key={entry.id} entry={entry} account={account} editable={editable} onDone={() => void refetch()} />
        ))}
      </ul>
      {connection?.pageInfo.hasNextPage ? (
        <Button onClick={() => void fetchMore({ variables: { after: connection.pageInfo.endCursor } })}>Show more</Button>
      ) : null}
    </div>
  );
}

function ReviewRow({ entry, account, editable, onDone }: { entry: HistoryEntryFragment; account: BoardAccount; editable: boolean; onDone: () => void }) {
  const usable = usableEnvelopes(account);
  const now = currentEnvelope(entry);
  const [envelopeId, setEnvelopeId] = useState(usable.find((e) => e.id !== now)?.id ?? "");
  const [splitting, setSplitting] = useState(false);
  const move = useSubmit<Payload>();
  const confirm = useSubmit<Payload>();
  const [recategorise] = useMutation(RecategoriseWebDocument);
  const [markReviewed] = useMutation(MarkReviewedWebDocument);
  const label = entry.payee ?? `Entry #${entry.sequence}`;

  const runMove = () =>
    void move
      .run(async (idempotencyKey) => {
        const result = await recategorise({
          variables: { input: { id: entry.id, envelopeId, idempotencyKey } },
          update: (cache, { data }) => {
            if (data && !data.recategoriseTransaction.userErrors.length) afterMoneyChange(cache, [account.id]);
          },
        });
        return result.data?.recategoriseTransaction;
      })
      .then((payload) => payload && onDone());
  const runConfirm = () =>
    void confirm
      .run(async () => {
        const result = await markReviewed({ variables: { input: { ids: [entry.id] } } });
        return result.data?.markReviewed;
      })
      .then((payload) => payload && onDone());
  const problem = unplacedErrors(move.errors, ["envelopeId"]) ?? unplacedErrors(confirm.errors, []) ?? move.problem ?? confirm.problem;

  return (
    <li className="review-row" aria-label={label}>
      <div className="review-entry">
        <time dateTime={entry.bookingDate} className="muted">
          {formatDate(entry.bookingDate)}
        </time>
        <span className="review-payee">{label}</span>
        {entry.memo ? <span className="muted review-memo">{entry.memo}</span> : null}
        <span className="muted review-now">
          Now in {entry.lines.map((l) => (l.envelope.isAvailable ? "Ready to assign" : l.envelope.name)).join(", ")}
        </span>
      </div>
      <Amount money={entry.amount} signed className="review-amount" />
      {editable ? (
        <div className="review-actions">
          <SelectField label={`Envelope for ${label}`} className="review-pick" value={envelopeId} error={move.errors["envelopeId"]} onChange={(e) => setEnvelopeId(e.target.value)}>
            {usable.map((e) => (
              <option key={e.id} value={e.id}>
                {e.isAvailable ? "Ready to assign" : e.name}
              </option>
            ))}
          </SelectField>
          <Button variant="primary" busy={move.busy} onClick={runMove} disabled={!envelopeId || envelopeId === now}>
            Move
          </Button>
          <Button variant="ghost" onClick={() => setSplitting(true)}>
            Split…
          </Button>
          <Button busy={confirm.busy} onClick={runConfirm}>
            Looks right
          </Button>
        </div>
      ) : null}
      {problem ? (
        <p className="entry-error review-error" role="alert">
          {problem}
        </p>
      ) : null}
      {splitting ? (
        <RecategoriseDialog
          entry={entry}
          account={account}
          onClose={() => {
            setSplitting(false);
            onDone();
          }}
        />
      ) : null}
    </li>
  );
}
