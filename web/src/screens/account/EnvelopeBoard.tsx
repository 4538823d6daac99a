import { closestCenter, DndContext, type DragEndEvent } from "@dnd-kit/core";
import { arrayMove, SortableContext, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { useMutation } from "@apollo/client/react";
import { useMemo, useState, type FormEvent } from "react";
import { Link } from "react-router";

import { onAcceptedChange } from "../../apollo/afterChange";
import {
  ArchiveEnvelopeWebDocument,
  CreateEnvelopesWebDocument,
  DeleteEnvelopeWebDocument,
  RenameEnvelopeWebDocument,
  ReorderEnvelopesWebDocument,
  UnarchiveEnvelopeWebDocument,
} from "../../gql/graphql";
import { formatPeriod } from "../../lib/ids";
import { formatMoney, isNegative, percentOf, toMinor } from "../../lib/money";
import { can } from "../../lib/roles";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type UserErrorLike } from "../../lib/userErrors";
import { Dialog } from "../../ui/Dialog";
import { REORDER_ACCESSIBILITY, useReorderSensors } from "../../ui/sortable";
import { Amount, Button, Checkbox, Empty, FormMessage, ProgressBar, SelectField, TextField } from "../../ui/kit";
import { useAccount, type BoardAccount } from "./useAccount";

type Envelope = BoardAccount["envelopes"][number];
type Figures = NonNullable<BoardAccount["budget"]>["envelopes"][number];
type Payload = { userErrors: readonly UserErrorLike[] };

export function EnvelopeBoard() {
  const { account, record } = useAccount();
  const admin = can.admin(account.myRole) && !account.closed;
  const writable = can.edit(account.myRole) && !account.closed;
  const [showArchived, setShowArchived] = useState(false);
  const [editing, setEditing] = useState<Envelope | null>(null);
  const [adding, setAdding] = useState(false);
  const [reorder] = useMutation(ReorderEnvelopesWebDocument);
  const [announcement, setAnnouncement] = useState("");
  const [reorderError, setReorderError] = useState<string | null>(null);

  const live = account.envelopes.filter((e) => !e.isAvailable && !e.deleted);
  const active = live.filter((e) => !e.archived);
  const archived = live.filter((e) => e.archived);
  const figures = useMemo(() => new Map(account.budget.envelopes.map((f) => [f.envelope.id, f])), [account.budget]);

  const sensors = useReorderSensors();

  const move = (ids: string[]) => {
    // The API takes every live envelope once, Ready to assign included (it stays first).
    const available = account.envelopes.filter((e) => e.isAvailable).map((e) => e.id);
    setReorderError(null);
    void reorder({
      variables: { input: { accountId: account.id, envelopeIds: [...available, ...ids] } },
      optimisticResponse: {
        __typename: "Mutation",
        reorderEnvelopes: {
          __typename: "AccountPayload",
          account: {
            __typename: "Account",
            id: account.id,
            envelopes: [
              ...account.envelopes.filter((e) => e.isAvailable),
              ...ids.map((id) => account.envelopes.find((e) => e.id === id)!),
              ...account.envelopes.filter((e) => !e.isAvailable && !ids.includes(e.id)),
            ],
          },
          userErrors: [],
        },
      },
    })
      .then((result) => setReorderError(result.data?.reorderEnvelopes.userErrors[0]?.message ?? null))
      .catch(() => setReorderError("Could not save the new order. Check your connection and try again."));
  };

  const onDragEnd = (event: DragEndEvent) => {
    const { active: dragged, over } = event;
    if (!over || dragged.id === over.id) return;
    const ids = active.map((e) => e.id);
    const from = ids.indexOf(String(dragged.id));
    const to = ids.indexOf(String(over.id));
    const next = arrayMove(ids, from, to);
    setAnnouncement(`${active[from]?.name} moved to position ${to + 1} of ${ids.length}.`);
    move([...next, ...archived.map((e) => e.id)]);
  };

  const period = account.budget.period;
  return (
    <div className="board">
      <div className="board-toolbar">
        <p className="board-period">
          This period: {formatPeriod(period.start, period.lastDay)} · <Link to="budget">Open the budget</Link>
        </p>
        {admin ? (
          <Button onClick={() => setAdding(true)} variant="secondary">
            + New envelope
          </Button>
        ) : null}
      </div>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      <FormMessage>{reorderError}</FormMessage>
      {active.length === 0 ? (
        <Empty title="No envelopes yet.">
          <p>Envelopes are what your money is for: rent, food, holidays…</p>
          {admin ? (
            <Button variant="primary" onClick={() => setAdding(true)}>
              Create envelopes
            </Button>
          ) : null}
        </Empty>
      ) : (
        <DndContext
          sensors={sensors}
          collisionDetection={closestCenter}
          onDragEnd={onDragEnd}
          accessibility={REORDER_ACCESSIBILITY}
        >
          <SortableContext items={active.map((e) => e.id)} strategy={verticalListSortingStrategy}>
            <ul className="envelope-list" aria-label="Envelopes">
              {active.map((envelope, index) => (
                <EnvelopeCard
                  key={envelope.id}
                  envelope={envelope}
                  figures={figures.get(envelope.id)}
                  sortable={admin}
                  writable={writable}
                  admin={admin}
                  onSpend={() => record("expense", envelope.id)}
                  onEdit={() => setEditing(envelope)}
                  onMoveUp={index > 0 ? () => move(arrayMove(active.map((e) => e.id), index, index - 1).concat(archived.map((e) => e.id))) : undefined}
                  onMoveDown={index < active.length - 1 ? () => move(arrayMove(active.map((e) => e.id), index, index + 1).concat(archived.map((e) => e.id))) : undefined}
                />
              ))}
            </ul>
          </SortableContext>
        </DndContext>
      )}
      {archived.length ? (
        <div className="archived">
          <Checkbox label={`Show archived envelopes (${archived.length})`} checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} />
          {showArchived ? (
            <ul className="envelope-list envelope-list-archived">
              {archived.map((envelope) => (
                <li key={envelope.id} className="envelope-card envelope-archived">
                  <span className="envelope-name">{envelope.name}</span>
                  <Amount money={envelope.balance} />
                  {admin ? <Button variant="ghost" onClick={() => setEditing(envelope)}>Edit</Button> : null}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {adding ? <AddEnvelopesDialog account={account} onClose={() => setAdding(false)} /> : null}
      {editing ? <EditEnvelopeDialog account={account} envelope={editing} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}

function EnvelopeCard({
  envelope,
  figures,
  sortable,
  writable,
  admin,
  onSpend,
  onEdit,
  onMoveUp,
  onMoveDown,
}: {
  envelope: Envelope;
  figures: Figures | undefined;
  sortable: boolean;
  writable: boolean;
  admin: boolean;
  onSpend: () => void;
  onEdit: () => void;
  onMoveUp: (() => void) | undefined;
  onMoveDown: (() => void) | undefined;
}) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: envelope.id, disabled: !sortable });
  const currency = envelope.balance.currency;
  const planned = figures?.planned.amount ?? "0";
  const funded = figures?.funded.amount ?? "0";
  const spent = figures?.spent.amount ?? "0";
  const hasPlan = toMinor(planned, currency) > 0n;
  const fundedPct = hasPlan ? percentOf(funded, planned, currency) : 0;
  const spentPct = toMinor(funded, currency) > 0n ? percentOf(spent, funded, currency) : spent !== "0" && toMinor(spent, currency) > 0n ? 100 : 0;
  const hasSpending = toMinor(funded, currency) > 0n || toMinor(spent, currency) > 0n;
  const overspent = figures?.overspent || isNegative(envelope.balance.amount);
  const goal = figures?.goal;
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      className={`envelope-card${isDragging ? " dragging" : ""}${overspent ? " envelope-overspent" : ""}`}
      aria-label={envelope.name}
    >
      {sortable ? (
        <button type="button" className="drag-handle" aria-label={`Reorder ${envelope.name}`} {...attributes} {...listeners}>
          <span aria-hidden="true">⠿</span>
        </button>
      ) : null}
      <div className="envelope-main">
        <div className="envelope-head">
          <span className="envelope-name">{envelope.name}</span>
          <Amount money={envelope.balance} className="envelope-balance" />
        </div>
        <div className="envelope-figures">
          {hasPlan ? (
            <>
              <span>
                Plan {formatMoney({ amount: planned, currency })} · funded {formatMoney({ amount: funded, currency })}
              </span>
              <ProgressBar value={fundedPct} label={`${envelope.name}: ${fundedPct}% of the plan funded`} tone={fundedPct >= 100 ? "ok" : "warn"} />
            </>
          ) : (
            <span className="muted">No plan</span>
          )}
          <span>
            Spent {formatMoney({ amount: spent, currency })} this period
            {overspent ? <strong className="badge badge-danger"> Overspent</strong> : null}
          </span>
          {hasSpending ? (
            <ProgressBar value={spentPct} label={`${envelope.name}: ${spentPct}% of the funded money spent`} tone={overspent ? "over" : "ok"} />
          ) : null}
          {goal ? (
            <span className={`goal goal-${goal.status.toLowerCase()}`}>
              Goal {goal.percent}% · {goal.status === "REACHED" ? "reached" : goal.status === "ON_TRACK" ? "on track" : `behind, ${formatMoney(goal.stillNeeded)} to go`}
            </span>
          ) : null}
        </div>
      </div>
      <div className="envelope-actions">
        {writable ? (
          <Button variant="ghost" onClick={onSpend} aria-label={`Spend from ${envelope.name}`}>
            Spend
          </Button>
        ) : null}
        {admin ? (
          <>
            <Button variant="ghost" onClick={onEdit} aria-label={`Edit ${envelope.name}`}>
              Edit
            </Button>
            <span className="order-buttons">
              <button type="button" className="icon-button" onClick={onMoveUp} disabled={!onMoveUp} aria-label={`Move ${envelope.name} up`}>
                ↑
              </button>
              <button type="button" className="icon-button" onClick={onMoveDown} disabled={!onMoveDown} aria-label={`Move ${envelope.name} down`}>
                ↓
              </button>
            </span>
          </>
        ) : null}
      </div>
    </li>
  );
}

function AddEnvelopesDialog({ account, onClose }: { account: BoardAccount; onClose: () => void }) {
  const [create] = useMutation(CreateEnvelopesWebDocument);
  const submit = useSubmit<Payload>();
  const [names, setNames] = useState("");
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const list = names.split(",").map((n) => n.trim()).filter(Boolean);
    const done = await submit.run(async () => (await create({ variables: { input: { accountId: account.id, names: list } } })).data?.createEnvelopes);
    if (done) onClose();
  };
  return (
    <Dialog open title="New envelopes" onClose={onClose}>
      <form onSubmit={onSubmit} noValidate>
        <TextField label="Names" value={names} onChange={(e) => setNames(e.target.value)} error={submit.errors["names"]} hint="One name, or several separated by commas." autoFocus />
        <FormMessage>{unplacedErrors(submit.errors, ["names"]) ?? submit.problem}</FormMessage>
        <div className="form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={submit.busy}>
            Create
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function EditEnvelopeDialog({ account, envelope, onClose }: { account: BoardAccount; envelope: Envelope; onClose: () => void }) {
  const [rename] = useMutation(RenameEnvelopeWebDocument);
  const [archive] = useMutation(ArchiveEnvelopeWebDocument);
  const [unarchive] = useMutation(UnarchiveEnvelopeWebDocument);
  const [remove] = useMutation(DeleteEnvelopeWebDocument);
  const submit = useSubmit<Payload>();
  const [name, setName] = useState(envelope.name);
  const [remainderTo, setRemainderTo] = useState(account.available.id);
  const empty = toMinor(envelope.balance.amount, envelope.balance.currency) === 0n;
  const input = { accountId: account.id, envelopeId: envelope.id };

  const onRename = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === envelope.name) return onClose();
    if (await submit.run(async () => (await rename({ variables: { input: { ...input, name } } })).data?.renameEnvelope)) onClose();
  };
  const onArchive = async () => {
    const done = await submit.run(async () =>
      envelope.archived ? (await unarchive({ variables: { input } })).data?.unarchiveEnvelope : (await archive({ variables: { input } })).data?.archiveEnvelope,
    );
    if (done) onClose();
  };
  const onDelete = async () => {
    const done = await submit.run(async () =>
      (
        await remove({
          variables: { input: { ...input, moveRemainderTo: empty ? null : remainderTo } },
          update: onAcceptedChange([account.id]),
        })
      ).data?.deleteEnvelope,
    );
    if (done) onClose();
  };
  const others = account.envelopes.filter((e) => e.id !== envelope.id && !e.deleted && !e.archived);
  return (
    <Dialog open title={`Edit ${envelope.name}`} onClose={onClose}>
      <form onSubmit={onRename} noValidate>
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={submit.errors["name"]} autoFocus />
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={submit.busy}>
            Rename
          </Button>
        </div>
      </form>
      <hr />
      <div className="danger-zone">
        <p>
          {envelope.archived
            ? "Archived envelopes are hidden from the board and take no money."
            : empty
              ? "Archive hides the envelope; its history stays."
              : `It holds ${formatMoney(envelope.balance)}: only an empty envelope can be archived.`}
        </p>
        <Button onClick={() => void onArchive()} busy={submit.busy}>
          {envelope.archived ? "Unarchive" : "Archive"}
        </Button>
        {!empty ? (
          <SelectField label="Move the remainder to" value={remainderTo} onChange={(e) => setRemainderTo(e.target.value)} error={submit.errors["moveRemainderTo"]}>
            {others.map((e) => (
              <option key={e.id} value={e.id}>
                {e.isAvailable ? "Ready to assign" : e.name}
              </option>
            ))}
          </SelectField>
        ) : null}
        <Button variant="danger" onClick={() => void onDelete()} busy={submit.busy}>
          {empty ? "Delete envelope" : "Move the remainder and delete"}
        </Button>
      </div>
      <FormMessage>{unplacedErrors(submit.errors, ["name", "moveRemainderTo"]) ?? submit.problem}</FormMessage>
    </Dialog>
  );
}
