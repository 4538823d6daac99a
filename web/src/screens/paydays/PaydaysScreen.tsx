import type { Reference } from "@apollo/client";
import { useMutation, useQuery } from "@apollo/client/react";
import { useEffect, useRef, useState, type FormEvent } from "react";

import { onAcceptedChange } from "../../apollo/afterChange";
import {
  CreatePaydayTemplateDocument,
  DeletePaydayTemplateDocument,
  PaydayTemplatesDocument,
  RecordPaydayFromTemplateDocument,
  UpdatePaydayTemplateDocument,
  type PaydayTemplateFieldsFragment,
} from "../../gql/graphql";
import { today } from "../../lib/ids";
import { formatMoney, parseAmount } from "../../lib/money";
import { can } from "../../lib/roles";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type FieldErrors, type UserErrorLike } from "../../lib/userErrors";
import { Dialog } from "../../ui/Dialog";
import { Amount, Button, Empty, FormMessage, Loading, Problem, SelectField, TextField } from "../../ui/kit";
import { MoneyField } from "../../ui/MoneyField";
import { useAccount, type BoardAccount } from "../account/useAccount";
import { paydayFill, summarizeAllocations, type AllocationRow } from "./allocations";
import "./paydays.css";

type Template = PaydayTemplateFieldsFragment;
type Payload = { userErrors: readonly UserErrorLike[] };

/** The payday rule of the API (README), in one line. */
export const PAYDAY_RULE =
  "Pay differs from the expected amount? The envelopes are filled in the order listed while the money lasts (the last ones may get less or nothing); anything beyond all of them goes to Ready to assign.";

export function PaydaysScreen() {
  const { account } = useAccount();
  const { data, loading, error, refetch } = useQuery(PaydayTemplatesDocument, { variables: { id: account.id } });
  const admin = can.admin(account.myRole) && !account.closed;
  const editor = can.edit(account.myRole) && !account.closed;
  const [editing, setEditing] = useState<Template | "new" | null>(null);
  const [deleting, setDeleting] = useState<Template | null>(null);
  const [recording, setRecording] = useState<Template | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const templates = data?.account?.paymentSources ?? [];

  let body;
  if (loading && !data) body = <Loading label="Loading payday templates…" />;
  else if (error && !data) body = <Problem error={error} onRetry={() => void refetch()} />;
  else if (!templates.length) {
    body = (
      <Empty title="No payday templates yet.">
        <p className="muted pd-empty-text">
          A template says what a pay should bring and how much goes straight into which envelopes, so recording a payday is one click.
        </p>
        {admin ? (
          <Button variant="primary" onClick={() => setEditing("new")}>
            New payday template
          </Button>
        ) : null}
      </Empty>
    );
  } else {
    body = (
      <ul className="pd-list" aria-label="Payday templates">
        {templates.map((t) => (
          <TemplateCard
            key={t.id}
            template={t}
            admin={admin}
            editor={editor}
            onEdit={() => setEditing(t)}
            onDelete={() => setDeleting(t)}
            onRecord={() => {
              setNotice(null);
              setRecording(t);
            }}
          />
        ))}
      </ul>
    );
  }

  return (
    <div className="pd-screen">
      <div className="board-toolbar">
        <h2>Payday templates</h2>
        {admin && templates.length ? (
          <Button variant="primary" onClick={() => setEditing("new")}>
            New payday template
          </Button>
        ) : null}
      </div>
      <FormMessage tone="success">{notice}</FormMessage>
      {body}
      {editing ? (
        <TemplateDialog account={account} template={editing === "new" ? null : editing} onClose={() => setEditing(null)} />
      ) : null}
      {deleting ? <DeleteDialog account={account} template={deleting} onClose={() => setDeleting(null)} /> : null}
      {recording ? (
        <RecordPaydayDialog
          account={account}
          template={recording}
          onClose={() => setRecording(null)}
          onDone={(message) => {
            setRecording(null);
            setNotice(message);
          }}
        />
      ) : null}
    </div>
  );
}

function TemplateCard({
  template,
  admin,
  editor,
  onEdit,
  onDelete,
  onRecord,
}: {
  template: Template;
  admin: boolean;
  editor: boolean;
  onEdit: () => void;
  onDelete: () => void;
  onRecord: () => void;
}) {
  const currency = template.expectedAmount.currency;
  const summary = summarizeAllocations(
    template.expectedAmount.amount,
    template.allocations.map((a) => ({ amount: a.amount.amount })),
    currency,
  );
  const headingId = `pd-${template.id}`;
  return (
    <li className="card pd-card" aria-labelledby={headingId}>
      <div className="pd-head">
        <div>
          <h3 id={headingId} className="pd-name">
            {template.name}
          </h3>
          {template.payer ? <p className="muted pd-payer">From {template.payer}</p> : null}
        </div>
        <div className="pd-expected">
          <span className="figure-label">Expected</span>
          <Amount money={template.expectedAmount} className="pd-expected-value" />
        </div>
      </div>
      {template.allocations.length ? (
        <ol className="pd-allocations" aria-label={`${template.name}: amounts per envelope, in payday order`}>
          {template.allocations.map((a, i) => (
            <li key={a.envelope.id}>
              <span>
                <span className="pd-order" aria-hidden="true">
                  {i + 1}.
                </span>{" "}
                {a.envelope.name}
              </span>
              <Amount money={a.amount} />
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">No fixed amounts: the whole pay goes to Ready to assign.</p>
      )}
      <p className="pd-left">
        Left for Ready to assign <Amount money={{ amount: summary.left, currency }} />
      </p>
      {editor || admin ? (
        <div className="pd-actions">
          {editor ? (
            <Button variant="primary" onClick={onRecord} aria-label={`Record payday: ${template.name}`}>
              Record payday
            </Button>
          ) : null}
          {admin ? (
            <>
              <Button onClick={onEdit} aria-label={`Edit ${template.name}`}>
                Edit
              </Button>
              <Button variant="danger" onClick={onDelete} aria-label={`Delete ${template.name}`}>
                Delete
              </Button>
            </>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

function TemplateDialog({ account, template, onClose }: { account: BoardAccount; template: Template | null; onClose: () => void }) {
  return (
    <Dialog open title={template ? `Edit ${template.name}` : "New payday template"} onClose={onClose} wide>
      <TemplateForm account={account} template={template} onDone={onClose} onCancel={onClose} />
    </Dialog>
  );
}

export function TemplateForm({
  account,
  template,
  onDone,
  onCancel,
}: {
  account: BoardAccount;
  template: Template | null;
  onDone: () => void;
  onCancel: () => void;
}) {
  const currency = account.currency;
  const usable = account.envelopes.filter((e) => !e.archived && !e.deleted && !e.isAvailable);
  const [name, setName] = useState(template?.name ?? "");
  const [payer, setPayer] = useState(template?.payer ?? "");
  const [expected, setExpected] = useState(template?.expectedAmount.amount ?? "");
  const [rows, setRows] = useState<AllocationRow[]>(
    template?.allocations.map((a) => ({ envelopeId: a.envelope.id, amount: a.amount.amount })) ?? [],
  );
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const submit = useSubmit<Payload>();
  const [create] = useMutation(CreatePaydayTemplateDocument);
  const [update] = useMutation(UpdatePaydayTemplateDocument);
  const errors = { ...submit.errors, ...localErrors };
  const summary = summarizeAllocations(expected, rows, currency);
  const formRef = useRef<HTMLFormElement>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const invalid = attempt ? formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]') : null;
    if (!invalid) return;
    invalid.focus({ preventScroll: true });
    // Centred: the dialog's sticky header would cover a field scrolled to the top.
    invalid.scrollIntoView?.({ block: "center" });
  }, [attempt]);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: FieldErrors = {};
    if (!name.trim()) problems["name"] = "Give the template a name.";
    const parsedExpected = parseAmount(expected, currency);
    if (!parsedExpected.ok) problems["expectedAmount"] = parsedExpected.message;
    const allocations = rows.map((row, i) => {
      const parsed = parseAmount(row.amount, currency);
      if (!parsed.ok) problems[`allocations.${i}.amount`] = parsed.message;
      return { envelopeId: row.envelopeId, amount: parsed.ok ? parsed.amount : "0" };
    });
    const seen = new Set<string>();
    rows.forEach((row, i) => {
      if (seen.has(row.envelopeId)) problems[`allocations.${i}.envelopeId`] = "This envelope is listed already.";
      seen.add(row.envelopeId);
    });
    if (!problems["expectedAmount"] && summary.over) problems["allocations"] = "The amounts add up to more than the expected pay.";
    setLocalErrors(problems);
    if (Object.keys(problems).length || !parsedExpected.ok) {
      setAttempt((n) => n + 1);
      return;
    }
    const fields = { name: name.trim(), payer: payer.trim() || null, expectedAmount: parsedExpected.amount, allocations };
    const done = await submit.run(async () => {
      if (template) {
        return (await update({ variables: { input: { id: template.id, ...fields } } })).data?.updatePaymentSource;
      }
      return (
        await create({
          variables: { input: { accountId: account.id, ...fields } },
          update: (cache, { data }) => {
            const created = data?.createPaymentSource.paymentSource;
            if (!created) return;
            cache.modify({
              id: cache.identify({ __typename: "Account", id: account.id }),
              fields: {
                paymentSources: (existing, { toReference }) =>
                  Array.isArray(existing) ? [...existing, toReference({ __typename: "PaymentSource", id: created.id })] : existing,
              },
            });
          },
        })
      ).data?.createPaymentSource;
    });
    if (done) onDone();
    else setAttempt((n) => n + 1);
  };

  const shown = ["name", "payer", "expectedAmount", "allocations", ...Object.keys(errors).filter((k) => k.startsWith("allocations."))];
  const formLevel = unplacedErrors(errors, shown);
  const otherEnvelope = usable.find((e) => !rows.some((r) => r.envelopeId === e.id))?.id ?? usable[0]?.id ?? "";

  return (
    <form ref={formRef} onSubmit={(e) => void onSubmit(e)} noValidate className="form-grid">
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={errors["name"]} autoFocus autoComplete="off" />
      <TextField label="Payer" value={payer} onChange={(e) => setPayer(e.target.value)} error={errors["payer"]} autoComplete="off" hint="Who pays, e.g. an employer (optional)" />
      <MoneyField label="Expected amount" currency={currency} value={expected} onChange={(e) => setExpected(e.target.value)} error={errors["expectedAmount"]} className="span-2" />
      <fieldset className="rows span-2 pd-rows">
        <legend>Fixed amounts per envelope, filled in this order</legend>
        {rows.length === 0 ? <p className="field-hint">None yet: without them the whole pay goes to Ready to assign.</p> : null}
        {rows.map((row, i) => (
          <div className="row pd-row" key={i}>
            <SelectField
              label={`Envelope ${i + 1}`}
              value={row.envelopeId}
              onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, envelopeId: e.target.value } : r)))}
              error={errors[`allocations.${i}.envelopeId`]}
            >
              {usable.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                </option>
              ))}
            </SelectField>
            <MoneyField
              label={`Amount ${i + 1}`}
              currency={currency}
              value={row.amount}
              onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, amount: e.target.value } : r)))}
              error={errors[`allocations.${i}.amount`]}
            />
            <div className="pd-row-buttons">
              <button type="button" className="icon-button" aria-label={`Move envelope ${i + 1} up`} disabled={i === 0} onClick={() => setRows(swap(rows, i, i - 1))}>
                ↑
              </button>
              <button type="button" className="icon-button" aria-label={`Move envelope ${i + 1} down`} disabled={i === rows.length - 1} onClick={() => setRows(swap(rows, i, i + 1))}>
                ↓
              </button>
              <Button variant="ghost" aria-label={`Remove envelope ${i + 1}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                Remove
              </Button>
            </div>
          </div>
        ))}
        {usable.length ? (
          <Button variant="ghost" onClick={() => setRows([...rows, { envelopeId: otherEnvelope, amount: "" }])}>
            + Add an envelope
          </Button>
        ) : (
          <p className="field-hint">This account has no envelopes yet.</p>
        )}
        {errors["allocations"] ? (
          <p className="field-error" role="alert">
            {errors["allocations"]}
          </p>
        ) : null}
      </fieldset>
      <div className={`pd-summary span-2${summary.over ? " pd-summary-over" : ""}`} aria-live="polite" data-testid="allocation-summary">
        <span>
          Allocated <Amount money={{ amount: summary.allocated, currency }} />
        </span>
        <span>
          Left for Ready to assign <strong><Amount money={{ amount: summary.left, currency }} /></strong>
        </span>
      </div>
      <FormMessage>{formLevel ?? submit.problem}</FormMessage>
      <div className="form-actions span-2">
        {submit.problem && submit.retryable ? (
          <Button onClick={submit.retry} busy={submit.busy}>
            Retry
          </Button>
        ) : null}
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" busy={submit.busy}>
          {template ? "Save template" : "Create template"}
        </Button>
      </div>
    </form>
  );
}

function swap<T>(list: readonly T[], a: number, b: number): T[] {
  const copy = [...list];
  [copy[a], copy[b]] = [copy[b]!, copy[a]!];
  return copy;
}

function DeleteDialog({ account, template, onClose }: { account: BoardAccount; template: Template; onClose: () => void }) {
  const submit = useSubmit<Payload>();
  const [remove] = useMutation(DeletePaydayTemplateDocument);
  const confirm = async () => {
    const done = await submit.run(
      async () =>
        (
          await remove({
            variables: { input: { id: template.id } },
            update: (cache, { data }) => {
              const id = data?.deletePaymentSource.deletedPaymentSourceId;
              if (!id) return;
              const ref = cache.identify({ __typename: "PaymentSource", id });
              cache.modify({
                id: cache.identify({ __typename: "Account", id: account.id }),
                fields: {
                  paymentSources: (existing, { readField }) =>
                    Array.isArray(existing) ? existing.filter((r) => readField("id", r as Reference) !== id) : existing,
                },
              });
              if (ref) cache.evict({ id: ref });
              cache.gc();
            },
          })
        ).data?.deletePaymentSource,
    );
    if (done) onClose();
  };
  return (
    <Dialog open title="Delete payday template" onClose={onClose}>
      <p>
        Delete <strong>{template.name}</strong>? Paydays already recorded stay in the history.
      </p>
      <FormMessage>{unplacedErrors(submit.errors, []) ?? submit.problem}</FormMessage>
      <div className="form-actions">
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="danger" onClick={() => void confirm()} busy={submit.busy}>
          Delete template
        </Button>
      </div>
    </Dialog>
  );
}

function RecordPaydayDialog({
  account,
  template,
  onClose,
  onDone,
}: {
  account: BoardAccount;
  template: Template;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const currency = account.currency;
  const [amount, setAmount] = useState("");
  const [date, setDate] = useState(today());
  const [payee, setPayee] = useState(template.payer ?? "");
  const [memo, setMemo] = useState("");
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const submit = useSubmit<Payload>();
  const [record] = useMutation(RecordPaydayFromTemplateDocument);
  const errors = { ...submit.errors, ...localErrors };

  const parsed = amount.trim() ? parseAmount(amount, currency) : ({ ok: true, amount: template.expectedAmount.amount } as const);
  const preview = parsed.ok ? paydayFill(parsed.amount, template.allocations, currency) : null;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: FieldErrors = {};
    if (!parsed.ok) problems["amount"] = parsed.message;
    setLocalErrors(problems);
    if (!parsed.ok) return;
    const received = amount.trim() ? parsed.amount : null;
    const done = await submit.run(
      async (idempotencyKey) =>
        (
          await record({
            variables: {
              input: {
                paymentSourceId: template.id,
                amount: received,
                bookingDate: date || null,
                payee: payee.trim() || null,
                memo: memo.trim() || null,
                idempotencyKey,
              },
            },
            update: onAcceptedChange([account.id]),
          })
        ).data?.recordPayday,
    );
    if (done) onDone(`Recorded ${template.name}: ${formatMoney({ amount: parsed.amount, currency })}.`);
  };

  const formLevel = unplacedErrors(errors, ["amount", "bookingDate", "payee", "memo", "paymentSourceId"]);
  return (
    <Dialog open title={`Record payday: ${template.name}`} onClose={onClose}>
      <form onSubmit={(e) => void onSubmit(e)} noValidate className="form-grid">
        <MoneyField
          label="Amount received"
          currency={currency}
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          error={errors["amount"] ?? errors["paymentSourceId"]}
          hint={`Leave empty for the expected ${formatMoney(template.expectedAmount)}.`}
          autoFocus
        />
        <TextField label="Date" type="date" value={date} onChange={(e) => setDate(e.target.value)} error={errors["bookingDate"]} />
        <p className="field-hint span-2 pd-rule" role="note">
          {PAYDAY_RULE}
        </p>
        {preview ? (
          <div className="span-2 pd-preview" aria-live="polite">
            <p className="pd-preview-title">This payday puts</p>
            <ul>
              {preview.rows.map((row) => (
                <li key={row.item.envelope.id} className={row.filled !== row.wanted ? "pd-short" : undefined}>
                  <span>{row.item.envelope.name}</span>
                  <span>
                    <Amount money={{ amount: row.filled, currency }} />
                    {row.filled !== row.wanted ? <span className="muted"> of {formatMoney({ amount: row.wanted, currency })}</span> : null}
                  </span>
                </li>
              ))}
              <li>
                <span>Ready to assign</span>
                <Amount money={{ amount: preview.rest, currency }} />
              </li>
            </ul>
          </div>
        ) : null}
        <TextField label="Payer" value={payee} onChange={(e) => setPayee(e.target.value)} error={errors["payee"]} autoComplete="off" />
        <TextField label="Memo" value={memo} onChange={(e) => setMemo(e.target.value)} error={errors["memo"]} autoComplete="off" />
        <FormMessage>{formLevel ?? submit.problem}</FormMessage>
        <div className="form-actions span-2">
          {submit.problem && submit.retryable ? (
            <Button onClick={submit.retry} busy={submit.busy}>
              Retry (same request)
            </Button>
          ) : null}
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={submit.busy}>
            Record payday
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
