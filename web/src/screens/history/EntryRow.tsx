import { useMutation } from "@apollo/client/react";

import { afterMoneyChange } from "../../apollo/afterChange";
import { SetEntriesClearedWebDocument, UndoEntryWebDocument, type HistoryEntryFragment, type SetEntriesClearedWebMutation } from "../../gql/graphql";
import { formatDate } from "../../lib/ids";
import { fromMinor, toMinor } from "../../lib/money";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type UserErrorLike } from "../../lib/userErrors";
import { Amount, Avatar, Button } from "../../ui/kit";
import { CLEARED_LABEL, KIND_LABEL } from "./filters";

type Line = HistoryEntryFragment["lines"][number];

function envelopeName(line: Line): string {
  return line.envelope.isAvailable ? "Ready to assign" : line.envelope.name;
}

/** What the entry did to the envelopes: "Groceries → Holiday" for a move, else each envelope's change. */
function Lines({ entry }: { entry: HistoryEntryFragment }) {
  const currency = entry.amount.currency;
  const out = entry.lines.filter((l) => toMinor(l.amount.amount, currency) < 0n);
  const into = entry.lines.filter((l) => toMinor(l.amount.amount, currency) > 0n);
  if (entry.kind === "MOVE" || (entry.kind === "REVERSAL" && toMinor(entry.amount.amount, currency) === 0n && out.length && into.length)) {
    return (
      <p className="entry-lines entry-move">
        {out.map(envelopeName).join(", ")} <span aria-label="to">→</span> {into.map(envelopeName).join(", ")}
      </p>
    );
  }
  if (entry.lines.length === 1) {
    return <p className="entry-lines">{envelopeName(entry.lines[0]!)}</p>;
  }
  return (
    <ul className="entry-lines entry-split" aria-label="Envelopes">
      {entry.lines.map((line) => (
        <li key={line.envelope.id}>
          <span>{envelopeName(line)}</span> <Amount money={line.amount} signed />
        </li>
      ))}
    </ul>
  );
}

/** A move changes no balance: its figure is the money moved (the sum of what went in). */
function movedAmount(entry: HistoryEntryFragment): string {
  const currency = entry.amount.currency;
  const sum = entry.lines.reduce((total, l) => {
    const minor = toMinor(l.amount.amount, currency);
    return minor > 0n ? total + minor : total;
  }, 0n);
  return fromMinor(sum, currency);
}

/** What setTransactionsCleared will answer when it succeeds (for an immediate tick). */
export function clearedOptimistically(ids: readonly string[], cleared: boolean): SetEntriesClearedWebMutation {
  return {
    __typename: "Mutation",
    setTransactionsCleared: {
      __typename: "SetTransactionsClearedPayload",
      transactions: ids.map((id) => ({ __typename: "Transaction", id, cleared: cleared ? "CLEARED" : "UNCLEARED" })),
      account: null,
      userErrors: [],
    },
  };
}

type UndoPayload = { userErrors: readonly UserErrorLike[] };

export function EntryRow({
  entry,
  accountId,
  editable,
  undoable,
  selected,
  onSelect,
  onRecategorise,
}: {
  entry: HistoryEntryFragment;
  accountId: string;
  /** May clear entries (editors; closed accounts too). */
  editable: boolean;
  /** May undo entries (editors of an open account). */
  undoable: boolean;
  selected: boolean;
  onSelect: (id: string, on: boolean) => void;
  /** Opens the recategorise dialog (income and spending of an open account, for editors). */
  onRecategorise?: (entry: HistoryEntryFragment) => void;
}) {
  const undo = useSubmit<UndoPayload>();
  const clearing = useSubmit<UndoPayload>();
  const [undoEntry] = useMutation(UndoEntryWebDocument);
  const [setCleared] = useMutation(SetEntriesClearedWebDocument);

  const currency = entry.amount.currency;
  const isMove = entry.kind === "MOVE" || toMinor(entry.amount.amount, currency) === 0n;
  const reconciled = entry.cleared === "RECONCILED";
  // Undoing a reversal re-applies what it undid: a redo (a reversal of a reversal undoes again).
  const isRedo = entry.kind === "REVERSAL" && entry.reverses?.kind !== "REVERSAL";
  const showUndo = undoable && !entry.undone && entry.kind !== "OPENING";
  const action = isRedo ? "Redo" : "Undo";
  const showRecategorise = undoable && onRecategorise && !entry.undone && (entry.kind === "INCOME" || entry.kind === "EXPENSE");

  const runUndo = () =>
    void undo.run(async (idempotencyKey) => {
      const result = await undoEntry({
        variables: { input: { id: entry.id, idempotencyKey } },
        update: (cache, { data }) => {
          const payload = data?.undoTransaction;
          if (!payload || payload.userErrors.length) return;
          afterMoneyChange(cache, [accountId, ...payload.accounts.map((a) => a.id)]);
        },
      });
      return result.data?.undoTransaction;
    });

  const toggleCleared = (on: boolean) =>
    void clearing.run(async () => {
      const result = await setCleared({
        variables: { input: { ids: [entry.id], cleared: on } },
        // The box ticks at once; a refusal rolls it back and shows why.
        optimisticResponse: clearedOptimistically([entry.id], on),
        update: (cache, { data }) => {
          if (data?.setTransactionsCleared.userErrors.length) return;
          // Totals filtered by status (and the reconcile screen's count) are asked again.
          const id = cache.identify({ __typename: "Account", id: accountId });
          if (id) cache.evict({ id, fieldName: "totals" });
        },
      });
      return result.data?.setTransactionsCleared;
    });

  const undoError = unplacedErrors(undo.errors, []) ?? undo.problem;
  const clearError = unplacedErrors(clearing.errors, []) ?? clearing.problem;
  const detail = [entry.memo, entry.tags.length ? entry.tags.map((t) => `#${t}`).join(" ") : null].filter(Boolean);

  return (
    <li className={`entry${editable ? "" : " entry-readonly"}${entry.undone ? " entry-undone" : ""}${selected ? " entry-selected" : ""}`} data-entry-id={entry.id} aria-label={`Entry ${entry.sequence}`}>
      {editable ? (
        <div className="entry-select">
          {!reconciled ? (
            <input type="checkbox" aria-label={`Select entry ${entry.sequence}`} checked={selected} onChange={(e) => onSelect(entry.id, e.target.checked)} />
          ) : null}
        </div>
      ) : null}
      <div className="entry-main">
        <div className="entry-head">
          <time dateTime={entry.bookingDate} className="entry-date">
            {formatDate(entry.bookingDate)}
          </time>
          <span className={`entry-kind kind-${entry.kind.toLowerCase()}`}>{isRedo || entry.kind !== "REVERSAL" ? KIND_LABEL[entry.kind] : "Redo"}</span>
          <span className="entry-seq muted">#{entry.sequence}</span>
        </div>
        <p className="entry-title">{entry.payee ?? (entry.kind === "MOVE" ? "Moved between envelopes" : KIND_LABEL[entry.kind])}</p>
        {detail.length ? <p className="entry-detail muted">{detail.join(" · ")}</p> : null}
        <Lines entry={entry} />
        <div className="entry-markers">
          {entry.undone ? <span className="marker marker-undone">Undone{entry.reversedBy ? ` by #${entry.reversedBy.sequence}` : ""}</span> : null}
          {entry.needsReview ? <span className="marker marker-review">Needs review</span> : null}
          {entry.correctedBy ? <span className="marker marker-corrected">Recategorised by #{entry.correctedBy.sequence}</span> : null}
          {entry.corrects ? <span className="marker marker-correction">Recategorises #{entry.corrects.sequence}</span> : null}
          {entry.reverses ? (
            <span className="marker marker-reversal">
              {isRedo ? "Reversal" : "Redo"} of #{entry.reverses.sequence}
            </span>
          ) : null}
        </div>
        <div className="entry-foot">
          <span className="entry-who">
            <Avatar name={entry.recordedBy.displayName} color={entry.recordedBy.avatarColor} size={22} />
            <span>{entry.recordedBy.displayName}</span>
          </span>
          {reconciled ? (
            <span className="entry-status entry-reconciled" title="Reconciled with a bank statement: reopen the reconciliation to change it">
              <svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true" className="lock-icon">
                <rect x="2.5" y="7" width="11" height="8" rx="1.5" fill="currentColor" />
                <path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" strokeWidth="1.8" />
              </svg>
              Reconciled
            </span>
          ) : editable ? (
            <label className="entry-status entry-clear-toggle">
              <input
                type="checkbox"
                checked={entry.cleared === "CLEARED"}
                aria-label={`Cleared: entry ${entry.sequence}`}
                onChange={(e) => toggleCleared(e.target.checked)}
              />
              <span aria-hidden="true">Cleared</span>
            </label>
          ) : (
            <span className={`entry-status${entry.cleared === "CLEARED" ? " entry-cleared" : ""}`}>{CLEARED_LABEL[entry.cleared]}</span>
          )}
          {showRecategorise ? (
            <Button variant="ghost" className="entry-recategorise" onClick={() => onRecategorise(entry)} aria-label={`Recategorise entry ${entry.sequence}`}>
              Recategorise
            </Button>
          ) : null}
          {showUndo ? (
            <Button variant="ghost" className="entry-undo" busy={undo.busy} onClick={runUndo} aria-label={`${action} entry ${entry.sequence}`}>
              {action}
            </Button>
          ) : null}
        </div>
        {undoError ? (
          <p className="entry-error" role="alert">
            {undoError}
            {undo.problem && undo.retryable ? (
              <Button variant="ghost" onClick={undo.retry} busy={undo.busy}>
                Retry
              </Button>
            ) : null}
          </p>
        ) : null}
        {clearError ? (
          <p className="entry-error" role="alert">
            {clearError}
          </p>
        ) : null}
      </div>
      <div className="entry-figures">
        {isMove ? (
          <span className="entry-amount entry-amount-move amount">
            <Amount money={{ amount: movedAmount(entry), currency }} />
          </span>
        ) : (
          <Amount money={entry.amount} signed className={`entry-amount${toMinor(entry.amount.amount, currency) > 0n ? " amount-positive" : ""}`} />
        )}
        <span className="entry-balance">
          <span className="muted">Balance </span>
          <Amount money={entry.balanceAfter} />
        </span>
      </div>
    </li>
  );
}
