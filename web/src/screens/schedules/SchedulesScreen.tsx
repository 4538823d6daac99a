import type { ApolloCache } from "@apollo/client";
import { useMutation, useQuery } from "@apollo/client/react";
import { useState } from "react";

import { afterMoneyChange } from "../../apollo/afterChange";
import {
  AccountComingUpDocument,
  AccountSchedulesWebDocument,
  DeleteScheduleWebDocument,
  PauseScheduleWebDocument,
  PostOccurrenceNowWebDocument,
  RecordChoicesDocument,
  ResumeScheduleWebDocument,
  SkipOccurrenceWebDocument,
  type ScheduleFieldsFragment,
} from "../../gql/graphql";
import { formatDateTime, today } from "../../lib/ids";
import { formatMoney } from "../../lib/money";
import { can } from "../../lib/roles";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type UserErrorLike } from "../../lib/userErrors";
import { Dialog } from "../../ui/Dialog";
import { Amount, Button, Empty, FormMessage, Loading, Problem } from "../../ui/kit";
import { useAccount, type BoardAccount } from "../account/useAccount";
import { describeRecurrence, shortDate } from "./recurrence";
import { dropComingUp, KIND_LABEL, ScheduleForm, type Choices } from "./ScheduleForm";
import "./schedules.css";

type Schedule = ScheduleFieldsFragment;
type Payload = { userErrors: readonly UserErrorLike[] };

export function SchedulesScreen() {
  const { account } = useAccount();
  const writable = can.edit(account.myRole) && !account.closed;
  const { data, loading, error, refetch } = useQuery(AccountSchedulesWebDocument, { variables: { id: account.id } });
  const { data: choices } = useQuery(RecordChoicesDocument, { variables: { id: account.id } });
  const [editing, setEditing] = useState<Schedule | "new" | null>(null);
  const [deleting, setDeleting] = useState<Schedule | null>(null);
  const [posting, setPosting] = useState<Schedule | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const schedules = data?.account?.schedules ?? [];

  let list;
  if (loading && !data) list = <Loading label="Loading schedules…" />;
  else if (error && !data) list = <Problem error={error} onRetry={() => void refetch()} />;
  else if (!schedules.length) {
    list = (
      <Empty title="No schedules yet.">
        <p className="muted sc-empty-text">Schedule the rent, the salary or a monthly move to savings, and they post themselves (or remind you) when they fall due.</p>
        {writable ? (
          <Button variant="primary" onClick={() => setEditing("new")}>
            New schedule
          </Button>
        ) : null}
      </Empty>
    );
  } else {
    list = (
      <ul className="sc-list" aria-label="Schedules">
        {schedules.map((s) => (
          <ScheduleCard
            key={s.id}
            account={account}
            schedule={s}
            choices={choices}
            writable={writable}
            onEdit={() => setEditing(s)}
            onDelete={() => setDeleting(s)}
            onPost={() => {
              setNotice(null);
              setPosting(s);
            }}
          />
        ))}
      </ul>
    );
  }

  return (
    <div className="sc-screen">
      <ComingUp account={account} choices={choices} />
      <div className="board-toolbar sc-toolbar">
        <h2>Schedules</h2>
        {writable && schedules.length ? (
          <Button variant="primary" onClick={() => setEditing("new")}>
            New schedule
          </Button>
        ) : null}
      </div>
      <FormMessage tone="success">{notice}</FormMessage>
      {list}
      {editing ? (
        <Dialog open title={editing === "new" ? "New schedule" : `Edit ${editing.name}`} onClose={() => setEditing(null)} wide>
          <ScheduleForm
            account={account}
            schedule={editing === "new" ? null : editing}
            choices={choices}
            onDone={() => setEditing(null)}
            onCancel={() => setEditing(null)}
          />
        </Dialog>
      ) : null}
      {deleting ? <DeleteDialog account={account} schedule={deleting} onClose={() => setDeleting(null)} /> : null}
      {posting ? (
        <PostNowDialog
          account={account}
          schedule={posting}
          onClose={() => setPosting(null)}
          onDone={(message) => {
            setPosting(null);
            setNotice(message);
          }}
        />
      ) : null}
    </div>
  );
}

function ComingUp({ account, choices }: { account: BoardAccount; choices: Choices }) {
  const { data, loading, error, refetch } = useQuery(AccountComingUpDocument, { variables: { id: account.id } });
  const items = data?.account?.upcoming ?? [];
  let body;
  if (loading && !data) body = <Loading label="Looking ahead…" />;
  else if (error && !data) body = <Problem error={error} onRetry={() => void refetch()} />;
  else if (!items.length) body = <p className="muted sc-none">Nothing due in the next 30 days.</p>;
  else {
    body = (
      <ol className="sc-coming" aria-label="Coming up in the next 30 days">
        {items.map((o) => (
          <li key={`${o.schedule.id}-${o.scheduledDate}`} className={o.skipped ? "sc-skipped" : undefined}>
            <time dateTime={o.date} className="sc-coming-date">
              {dayLabel(o.date)}
            </time>
            <span className="sc-coming-name">
              {o.schedule.name}
              <span className="muted sc-coming-kind"> · {KIND_LABEL[o.schedule.kind]}</span>
              {o.skipped ? <span className="badge sc-badge-muted">Skipped</span> : null}
            </span>
            <span className="sc-coming-amount">
              <ComingAmount schedule={o.schedule} choices={choices} />
            </span>
          </li>
        ))}
      </ol>
    );
  }
  return (
    <section className="card sc-coming-card" aria-labelledby="sc-coming-title">
      <header className="card-header">
        <h2 id="sc-coming-title">Coming up</h2>
        <span className="muted">Next 30 days</span>
      </header>
      {body}
    </section>
  );
}

function ComingAmount({
  schedule,
  choices,
}: {
  schedule: { kind: Schedule["kind"]; amount: { amount: string; currency: string } | null; paymentSourceId: string | null };
  choices: Choices;
}) {
  if (schedule.amount) return <Amount money={signed(schedule.kind, schedule.amount)} />;
  // A payday of the template's expected amount.
  const source = choices?.account?.paymentSources.find((s) => s.id === schedule.paymentSourceId);
  return source ? <Amount money={source.expectedAmount} /> : <span className="muted">Expected pay</span>;
}

/** Money leaving the account shows as negative. */
function signed(kind: Schedule["kind"], money: { amount: string; currency: string }) {
  return kind === "EXPENSE" || kind === "TRANSFER" ? { ...money, amount: `-${money.amount}` } : money;
}

function dayLabel(date: string): string {
  const now = today();
  if (date === now) return "Today";
  const d = new Date(`${date}T00:00:00Z`);
  return new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(d);
}

function whatItDoes(schedule: Schedule, account: BoardAccount, choices: Choices): string {
  const envName = (e: { id: string; name: string } | null | undefined) => (!e || e.id === account.available.id ? "Ready to assign" : e.name);
  switch (schedule.kind) {
    case "INCOME":
      return schedule.allocations.length
        ? `Into ${schedule.allocations.map((a) => a.envelope?.name ?? "an envelope").join(", ")}; the rest to Ready to assign`
        : "Into Ready to assign";
    case "PAYDAY": {
      const source = choices?.account?.paymentSources.find((s) => s.id === schedule.paymentSourceId);
      return source ? `Payday template “${source.name}”` : "From a payday template";
    }
    case "EXPENSE": {
      const from = schedule.splits?.length ? `Split: ${schedule.splits.map((s) => s.envelope?.name ?? "?").join(", ")}` : `From ${envName(schedule.envelope)}`;
      return schedule.payee ? `${from} · to ${schedule.payee}` : from;
    }
    case "MOVE":
      return `${envName(schedule.fromEnvelope)} → ${envName(schedule.toEnvelope)}`;
    case "TRANSFER": {
      const to = choices?.accounts.find((a) => a.id === schedule.toAccountId);
      const received = schedule.receivedAmount ? ` (${formatMoney(schedule.receivedAmount)} arrives)` : "";
      return `${envName(schedule.fromEnvelope)} → ${to ? to.name : "another account"}${received}`;
    }
  }
}

function nextLine(schedule: Schedule): string {
  const next = schedule.nextOccurrence;
  if (!next) return "Ended: nothing more to post";
  const moved = next.date !== next.scheduledDate ? ` (weekend date ${shortDate(next.scheduledDate)} moved)` : "";
  return `Next: ${shortDate(next.date)}${moved}${next.skipped ? " — skipped" : ""}`;
}

const STATUS_LABEL = { POSTED: "Posted", SKIPPED: "Skipped", FAILED: "Failed" } as const;

function ScheduleCard({
  account,
  schedule,
  choices,
  writable,
  onEdit,
  onDelete,
  onPost,
}: {
  account: BoardAccount;
  schedule: Schedule;
  choices: Choices;
  writable: boolean;
  onEdit: () => void;
  onDelete: () => void;
  onPost: () => void;
}) {
  const [open, setOpen] = useState(false);
  const submit = useSubmit<Payload>();
  const [pause] = useMutation(PauseScheduleWebDocument);
  const [resume] = useMutation(ResumeScheduleWebDocument);
  const [skip] = useMutation(SkipOccurrenceWebDocument);
  const titleId = `sc-${schedule.id}`;
  const detailsId = `sc-details-${schedule.id}`;
  const source = choices?.account?.paymentSources.find((s) => s.id === schedule.paymentSourceId);
  const amount = schedule.amount ?? source?.expectedAmount ?? null;

  const togglePause = () =>
    void submit.run(async () => {
      const options = { variables: { input: { id: schedule.id } }, update: (cache: ApolloCache) => dropComingUp(cache, account.id) };
      return schedule.paused ? (await resume(options)).data?.resumeSchedule : (await pause(options)).data?.pauseSchedule;
    });
  const skipOne = (date?: string) =>
    void submit.run(async () => (await skip({ variables: { input: { id: schedule.id, date: date ?? null } }, update: (cache) => dropComingUp(cache, account.id) })).data?.skipOccurrence);

  const message = unplacedErrors(submit.errors, []) ?? submit.problem;
  const pending = schedule.upcoming.filter((o) => !o.skipped);

  return (
    <li className={`card sc-card${schedule.paused ? " sc-paused" : ""}`} aria-labelledby={titleId}>
      <div className="sc-head">
        <div className="sc-title">
          <h3 id={titleId}>{schedule.name}</h3>
          <span className={`badge sc-kind sc-kind-${schedule.kind.toLowerCase()}`}>{KIND_LABEL[schedule.kind]}</span>
          {schedule.paused ? <span className="badge sc-badge-paused">Paused</span> : null}
        </div>
        <div className="sc-amount">
          {amount ? <Amount money={signed(schedule.kind, amount)} /> : <span className="muted">Expected pay</span>}
          {!schedule.amount && schedule.kind === "PAYDAY" ? <span className="muted sc-amount-note">expected</span> : null}
        </div>
      </div>
      <p className="sc-what">{whatItDoes(schedule, account, choices)}</p>
      <p className="sc-rule">{describeRecurrence(schedule.recurrence)}</p>
      <p className="sc-meta">
        <span>{schedule.paused ? "Paused: posts nothing until resumed" : nextLine(schedule)}</span>
        <span className="sc-mode">{schedule.mode === "AUTO" ? "Posts automatically" : "Reminds you"}</span>
        {schedule.postedCount || schedule.failedCount ? (
          <span className="muted">
            Posted {schedule.postedCount}
            {schedule.failedCount ? <span className="amount-negative"> · Failed {schedule.failedCount}</span> : null}
          </span>
        ) : null}
      </p>
      <FormMessage>{message}</FormMessage>
      {submit.problem && submit.retryable ? (
        <Button onClick={submit.retry} busy={submit.busy}>
          Retry
        </Button>
      ) : null}
      <div className="sc-actions">
        {writable ? (
          <>
            {schedule.nextOccurrence && !schedule.paused ? (
              <>
                <Button variant={schedule.mode === "REMIND" ? "primary" : "secondary"} onClick={onPost} aria-label={`Post now: ${schedule.name}`}>
                  Post now
                </Button>
                <Button onClick={() => skipOne()} busy={submit.busy} aria-label={`Skip next: ${schedule.name}`}>
                  Skip next
                </Button>
              </>
            ) : null}
            <Button onClick={togglePause} busy={submit.busy} aria-label={`${schedule.paused ? "Resume" : "Pause"} ${schedule.name}`}>
              {schedule.paused ? "Resume" : "Pause"}
            </Button>
            <Button onClick={onEdit} aria-label={`Edit ${schedule.name}`}>
              Edit
            </Button>
            <Button variant="danger" onClick={onDelete} aria-label={`Delete ${schedule.name}`}>
              Delete
            </Button>
          </>
        ) : null}
        <Button variant="ghost" aria-expanded={open} aria-controls={detailsId} onClick={() => setOpen(!open)}>
          {open ? "Hide details" : "Details"}
        </Button>
      </div>
      {open ? (
        <div id={detailsId} className="sc-details">
          <div>
            <h4>Next dates</h4>
            {schedule.upcoming.length ? (
              <ul className="sc-dates">
                {schedule.upcoming.map((o) => (
                  <li key={o.scheduledDate}>
                    <span className={o.skipped ? "sc-struck" : undefined}>{shortDate(o.date)}</span>
                    {o.skipped ? (
                      <span className="badge sc-badge-muted">Skipped</span>
                    ) : writable && !schedule.paused && pending.length ? (
                      <Button variant="ghost" onClick={() => skipOne(o.scheduledDate)} busy={submit.busy} aria-label={`Skip ${shortDate(o.date)}`}>
                        Skip
                      </Button>
                    ) : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">None in the next months.</p>
            )}
          </div>
          <div>
            <h4>Recent</h4>
            {schedule.occurrences.length ? (
              <ul className="sc-history">
                {schedule.occurrences.slice(0, 10).map((o) => (
                  <li key={`${o.scheduledDate}-${o.recordedAt}`} className={`sc-status-${o.status.toLowerCase()}`}>
                    <span className="sc-history-head">
                      <span>{shortDate(o.date)}</span>
                      <span className="sc-status">{STATUS_LABEL[o.status]}</span>
                    </span>
                    {o.status === "FAILED" && o.reason ? <span className="sc-reason">{o.reason}</span> : null}
                    <span className="muted sc-recorded">{formatDateTime(o.recordedAt)}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">Nothing posted yet.</p>
            )}
          </div>
        </div>
      ) : null}
    </li>
  );
}

function PostNowDialog({
  account,
  schedule,
  onClose,
  onDone,
}: {
  account: BoardAccount;
  schedule: Schedule;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const submit = useSubmit<Payload>();
  const [post] = useMutation(PostOccurrenceNowWebDocument);
  const next = schedule.nextOccurrence;
  const now = today();
  const booked = next && next.date < now ? next.date : now;
  const confirm = async () => {
    const done = await submit.run(
      async () =>
        (
          await post({
            variables: { input: { id: schedule.id } },
            update: (cache) => {
              afterMoneyChange(cache, [account.id, schedule.toAccountId]);
              // The receiving account's balances did not come back: they reload when it is opened.
              if (schedule.toAccountId) dropBalances(cache, schedule.toAccountId);
            },
          })
        ).data?.postOccurrenceNow,
    );
    if (done) onDone(`Posted ${schedule.name}${next ? ` (${shortDate(next.date)})` : ""}.`);
  };
  return (
    <Dialog open title={`Post ${schedule.name} now`} onClose={onClose}>
      {next ? (
        <p>
          Post the occurrence due <strong>{shortDate(next.date)}</strong> now? It is booked on {shortDate(booked)} and will not post again on its
          date.
        </p>
      ) : (
        <p>This schedule has nothing left to post.</p>
      )}
      <FormMessage>{unplacedErrors(submit.errors, []) ?? submit.problem}</FormMessage>
      <div className="form-actions">
        {submit.problem && submit.retryable ? (
          <Button onClick={submit.retry} busy={submit.busy}>
            Retry
          </Button>
        ) : null}
        <Button onClick={onClose}>Cancel</Button>
        {next ? (
          <Button variant="primary" onClick={() => void confirm()} busy={submit.busy}>
            Post it now
          </Button>
        ) : null}
      </div>
    </Dialog>
  );
}

function dropBalances(cache: ApolloCache, accountId: string) {
  const id = cache.identify({ __typename: "Account", id: accountId });
  if (!id) return;
  for (const fieldName of ["balance", "clearedBalance", "available", "envelopes", "budget"]) cache.evict({ id, fieldName });
}

function DeleteDialog({ account, schedule, onClose }: { account: BoardAccount; schedule: Schedule; onClose: () => void }) {
  const submit = useSubmit<Payload>();
  const [remove] = useMutation(DeleteScheduleWebDocument);
  const confirm = async () => {
    const done = await submit.run(
      async () =>
        (
          await remove({
            variables: { input: { id: schedule.id } },
            update: (cache, { data }) => {
              const id = data?.deleteSchedule.deletedScheduleId;
              if (!id) return;
              cache.modify({
                id: cache.identify({ __typename: "Account", id: account.id }),
                fields: {
                  schedules: (existing, { readField }) =>
                    Array.isArray(existing) ? existing.filter((r) => readField("id", r as never) !== id) : existing,
                },
              });
              const ref = cache.identify({ __typename: "Schedule", id });
              if (ref) cache.evict({ id: ref });
              dropComingUp(cache, account.id);
              cache.gc();
            },
          })
        ).data?.deleteSchedule,
    );
    if (done) onClose();
  };
  return (
    <Dialog open title="Delete schedule" onClose={onClose}>
      <p>
        Delete <strong>{schedule.name}</strong>? What it already posted stays in the history.
      </p>
      <FormMessage>{unplacedErrors(submit.errors, []) ?? submit.problem}</FormMessage>
      <div className="form-actions">
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="danger" onClick={() => void confirm()} busy={submit.busy}>
          Delete schedule
        </Button>
      </div>
    </Dialog>
  );
}
