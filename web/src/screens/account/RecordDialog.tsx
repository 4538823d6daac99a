import { useMutation, useQuery } from "@apollo/client/react";
import { useMemo, useState, type FormEvent } from "react";

import { onAcceptedChange } from "../../apollo/afterChange";
import {
  MoveMoneyWebDocument,
  RecordChoicesDocument,
  RecordExpenseWebDocument,
  RecordIncomeWebDocument,
  RecordPaydayWebDocument,
  TransferMoneyWebDocument,
} from "../../gql/graphql";
import { today } from "../../lib/ids";
import { formatMoney, fromMinor, parseAmount, toMinor } from "../../lib/money";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type FieldErrors, type UserErrorLike } from "../../lib/userErrors";
import { Dialog } from "../../ui/Dialog";
import { Button, FormMessage, SelectField, TextField } from "../../ui/kit";
import { EnvelopeRows, type EnvelopeRow } from "../../ui/EnvelopeRows";
import { MoneyField } from "../../ui/MoneyField";
import type { BoardAccount, RecordKind } from "./useAccount";

const KINDS: { kind: RecordKind; label: string }[] = [
  { kind: "expense", label: "Spending" },
  { kind: "income", label: "Income" },
  { kind: "move", label: "Move" },
  { kind: "transfer", label: "Transfer" },
  { kind: "payday", label: "Payday" },
];

type Row = EnvelopeRow;

type Payload = { userErrors: readonly UserErrorLike[] };

export function RecordDialog({
  account,
  initial,
  envelopeId,
  onClose,
}: {
  account: BoardAccount;
  initial: RecordKind;
  envelopeId?: string | undefined;
  onClose: () => void;
}) {
  const [kind, setKind] = useState<RecordKind>(initial);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <Dialog open title="Record" onClose={onClose} wide>
      <div className="segmented" role="radiogroup" aria-label="What happened">
        {KINDS.map((k) => (
          <label key={k.kind} className={`segment${kind === k.kind ? " segment-on" : ""}`}>
            <input type="radio" name="record-kind" value={k.kind} checked={kind === k.kind} onChange={() => setKind(k.kind)} />
            {k.label}
          </label>
        ))}
      </div>
      <FormMessage tone="success">{notice}</FormMessage>
      <RecordForm
        key={kind}
        kind={kind}
        account={account}
        envelopeId={envelopeId}
        onDone={(message, another) => {
          if (another) setNotice(message);
          else onClose();
        }}
        onClose={onClose}
      />
    </Dialog>
  );
}

function RecordForm({
  kind,
  account,
  envelopeId,
  onDone,
  onClose,
}: {
  kind: RecordKind;
  account: BoardAccount;
  envelopeId?: string | undefined;
  onDone: (message: string, another: boolean) => void;
  onClose: () => void;
}) {
  const currency = account.currency;
  const usable = account.envelopes.filter((e) => !e.archived && !e.deleted && !e.isAvailable);
  const firstEnvelope = envelopeId ?? usable[0]?.id ?? "";
  const { data: choices } = useQuery(RecordChoicesDocument, { variables: { id: account.id }, skip: kind !== "transfer" && kind !== "payday" });
  const [amount, setAmount] = useState("");
  const [envelope, setEnvelope] = useState(firstEnvelope);
  // Moves and transfers start from Ready to assign ("" = Available for a transfer), unless the
  // dialog was opened from an envelope.
  const [fromEnvelope, setFromEnvelope] = useState(envelopeId ?? (kind === "move" ? account.available.id : ""));
  const [toEnvelope, setToEnvelope] = useState(kind === "move" ? firstEnvelope : "");
  const [splits, setSplits] = useState<Row[]>([]);
  const [toAccount, setToAccount] = useState("");
  const [receivedAmount, setReceivedAmount] = useState("");
  const [sourceId, setSourceId] = useState("");
  const [payee, setPayee] = useState("");
  const [memo, setMemo] = useState("");
  const [tags, setTags] = useState("");
  const [date, setDate] = useState(today());
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const submit = useSubmit<Payload>();

  const [recordExpense] = useMutation(RecordExpenseWebDocument);
  const [recordIncome] = useMutation(RecordIncomeWebDocument);
  const [recordPayday] = useMutation(RecordPaydayWebDocument);
  const [moveMoney] = useMutation(MoveMoneyWebDocument);
  const [transferMoney] = useMutation(TransferMoneyWebDocument);

  const targets = useMemo(
    () => (choices?.accounts ?? []).filter((a) => a.id !== account.id && !a.closed && a.myRole !== "VIEWER"),
    [choices, account.id],
  );
  const target = targets.find((a) => a.id === toAccount);
  const sources = choices?.account?.paymentSources ?? [];
  const errors = { ...submit.errors, ...localErrors };

  const envelopeOptions = (includeAvailable: boolean) => (
    <>
      {includeAvailable ? <option value={account.available.id}>Ready to assign ({formatMoney(account.available.balance)})</option> : null}
      {usable.map((e) => (
        <option key={e.id} value={e.id}>
          {e.name} ({formatMoney(e.balance)})
        </option>
      ))}
    </>
  );

  const money = (text: string, field: string, problems: FieldErrors, cur = currency): string | null => {
    const parsed = parseAmount(text, cur);
    if (!parsed.ok) {
      problems[field] = parsed.message;
      return null;
    }
    return parsed.amount;
  };

  const describe = (): string => {
    const parsed = parseAmount(amount, currency);
    const shown = parsed.ok ? formatMoney({ amount: parsed.amount, currency }) : "";
    switch (kind) {
      case "expense":
        return `Recorded ${shown} spent${payee ? ` at ${payee}` : ""}.`;
      case "income":
        return `Recorded ${shown} income.`;
      case "move":
        return `Moved ${shown}.`;
      case "transfer":
        return `Transferred ${shown}.`;
      default:
        return "Recorded the payday.";
    }
  };

  const onSubmit = async (event: FormEvent, another = false) => {
    event.preventDefault();
    const problems: FieldErrors = {};
    const tagList = tags.split(",").map((t) => t.trim()).filter(Boolean);
    const details = { payee: payee.trim() || null, memo: memo.trim() || null, tags: tagList, bookingDate: date || null };
    let send: ((key: string) => Promise<Payload | null | undefined>) | null = null;
    if (kind === "payday") {
      if (!sourceId) problems["paymentSourceId"] = "Choose a payday template.";
      const value = amount.trim() ? money(amount, "amount", problems) : null;
      send = async (idempotencyKey) =>
        (
          await recordPayday({
            variables: { input: { paymentSourceId: sourceId, amount: value, ...details, idempotencyKey } },
            update: onAcceptedChange([account.id]),
          })
        ).data?.recordPayday;
    } else {
      const value = money(amount, "amount", problems);
      if (kind === "expense") {
        const rows = splits.length ? [{ envelopeId: envelope, amount: "" }, ...splits] : [];
        const parsedSplits = rows.map((row, i) => ({ envelopeId: row.envelopeId, amount: i === 0 ? "" : (money(row.amount, `splits.${i}.amount`, problems) ?? "") }));
        if (parsedSplits.length) {
          // The first row takes what the other rows leave of the total.
          parsedSplits.shift();
        }
        send = async (idempotencyKey) =>
          (
            await recordExpense({
              variables: {
                input: parsedSplits.length
                  ? { accountId: account.id, amount: value ?? "0", splits: withRemainder(envelope, value ?? "0", parsedSplits, currency), ...details, idempotencyKey }
                  : { accountId: account.id, amount: value ?? "0", envelopeId: envelope || null, ...details, idempotencyKey },
              },
              update: onAcceptedChange([account.id]),
            })
          ).data?.recordExpense;
      } else if (kind === "income") {
        const allocations = splits.map((row, i) => ({ envelopeId: row.envelopeId, amount: money(row.amount, `allocations.${i}.amount`, problems) ?? "" }));
        send = async (idempotencyKey) =>
          (
            await recordIncome({
              variables: { input: { accountId: account.id, amount: value ?? "0", allocations: allocations.length ? allocations : null, ...details, idempotencyKey } },
              update: onAcceptedChange([account.id]),
            })
          ).data?.recordIncome;
      } else if (kind === "move") {
        if (fromEnvelope === toEnvelope) problems["toEnvelopeId"] = "Choose two different envelopes.";
        send = async (idempotencyKey) =>
          (
            await moveMoney({
              variables: { input: { accountId: account.id, fromEnvelopeId: fromEnvelope, toEnvelopeId: toEnvelope, amount: value ?? "0", memo: details.memo, bookingDate: details.bookingDate, idempotencyKey } },
              update: onAcceptedChange([account.id]),
            })
          ).data?.moveMoney;
      } else {
        if (!toAccount) problems["toAccountId"] = "Choose the account the money goes to.";
        const received = target && target.currency !== currency ? money(receivedAmount, "receivedAmount", problems, target.currency) : null;
        send = async (idempotencyKey) =>
          (
            await transferMoney({
              variables: {
                input: {
                  fromAccountId: account.id,
                  toAccountId: toAccount,
                  amount: value ?? "0",
                  receivedAmount: received,
                  fromEnvelopeId: fromEnvelope || null,
                  toEnvelopeId: toEnvelope || null,
                  memo: details.memo,
                  bookingDate: details.bookingDate,
                  idempotencyKey,
                },
              },
              update: onAcceptedChange([account.id, toAccount]),
            })
          ).data?.transferMoney;
      }
    }
    setLocalErrors(problems);
    if (Object.keys(problems).length || !send) return;
    const done = await submit.run(send);
    if (done) {
      onDone(describe(), another);
      if (another) {
        setAmount("");
        setPayee("");
        setMemo("");
        setSplits([]);
        document.getElementById("record-amount")?.focus();
      }
    }
  };

  const shownFields = ["amount", "envelopeId", "splits", "allocations", "fromEnvelopeId", "toEnvelopeId", "toAccountId", "receivedAmount", "paymentSourceId", "payee", "memo", "tags", "bookingDate"];
  const formLevel = unplacedErrors(errors, [...shownFields, ...Object.keys(errors).filter((k) => k.startsWith("splits.") || k.startsWith("allocations."))]);

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="form-grid record-form">
      {kind === "payday" ? (
        <>
          <SelectField label="Payday template" value={sourceId} onChange={(e) => setSourceId(e.target.value)} error={errors["paymentSourceId"]} autoFocus className="span-2">
            <option value="">Choose…</option>
            {sources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} — {formatMoney(s.expectedAmount)}
              </option>
            ))}
          </SelectField>
          {choices && !sources.length ? <p className="field-hint span-2">No payday templates yet: add one under Paydays.</p> : null}
          <MoneyField id="record-amount" label="Amount received" currency={currency} value={amount} onChange={(e) => setAmount(e.target.value)} error={errors["amount"]} hint="Leave empty for the template's expected amount." />
        </>
      ) : (
        <MoneyField id="record-amount" label="Amount" currency={currency} value={amount} onChange={(e) => setAmount(e.target.value)} error={errors["amount"]} autoFocus />
      )}
      {kind === "expense" ? (
        <SelectField label={splits.length ? "First envelope (takes the rest)" : "From envelope"} value={envelope} onChange={(e) => setEnvelope(e.target.value)} error={errors["envelopeId"]}>
          {/* No envelope: the account owner's rules choose one, else it comes from Ready to assign. */}
          {splits.length ? null : <option value="">Let the rules choose</option>}
          {envelopeOptions(true)}
        </SelectField>
      ) : null}
      {kind === "move" || kind === "transfer" ? (
        <SelectField label="From envelope" value={fromEnvelope} onChange={(e) => setFromEnvelope(e.target.value)} error={errors["fromEnvelopeId"]}>
          {kind === "transfer" ? <option value="">Ready to assign</option> : null}
          {envelopeOptions(kind === "move")}
        </SelectField>
      ) : null}
      {kind === "move" ? (
        <SelectField label="To envelope" value={toEnvelope} onChange={(e) => setToEnvelope(e.target.value)} error={errors["toEnvelopeId"]}>
          {envelopeOptions(true)}
        </SelectField>
      ) : null}
      {kind === "transfer" ? (
        <>
          <SelectField label="To account" value={toAccount} onChange={(e) => { setToAccount(e.target.value); setToEnvelope(""); }} error={errors["toAccountId"]}>
            <option value="">Choose…</option>
            {targets.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.currency})
              </option>
            ))}
          </SelectField>
          {target ? (
            <SelectField label="Into envelope" value={toEnvelope} onChange={(e) => setToEnvelope(e.target.value)} error={errors["toEnvelopeId"]}>
              <option value="">Ready to assign</option>
              {target.envelopes.filter((e) => !e.isAvailable && !e.archived).map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                </option>
              ))}
            </SelectField>
          ) : null}
          {target && target.currency !== currency ? (
            <MoneyField label="Amount received" currency={target.currency} value={receivedAmount} onChange={(e) => setReceivedAmount(e.target.value)} error={errors["receivedAmount"]} />
          ) : null}
        </>
      ) : null}
      {kind === "expense" || kind === "income" ? (
        <EnvelopeRows
          title={kind === "expense" ? "Split across more envelopes" : "Put straight into envelopes (the rest goes to Ready to assign)"}
          rows={splits}
          setRows={setSplits}
          options={envelopeOptions(false)}
          newEnvelope={usable.find((e) => e.id !== envelope)?.id ?? ""}
          currency={currency}
          errors={errors}
          prefix={kind === "expense" ? "splits" : "allocations"}
          offset={kind === "expense" ? 1 : 0}
        />
      ) : null}
      {kind === "expense" || kind === "income" || kind === "payday" ? (
        <TextField label={kind === "expense" ? "Payee" : "Payer"} value={payee} onChange={(e) => setPayee(e.target.value)} error={errors["payee"]} autoComplete="off" />
      ) : null}
      <TextField label="Memo" value={memo} onChange={(e) => setMemo(e.target.value)} error={errors["memo"]} autoComplete="off" />
      {kind === "expense" || kind === "income" || kind === "payday" ? (
        <TextField label="Tags" value={tags} onChange={(e) => setTags(e.target.value)} error={errors["tags"]} hint="Comma-separated" autoComplete="off" />
      ) : null}
      <TextField label="Date" type="date" value={date} onChange={(e) => setDate(e.target.value)} error={errors["bookingDate"]} />
      <FormMessage>{formLevel ?? submit.problem}</FormMessage>
      <div className="form-actions span-2">
        {submit.problem && submit.retryable ? (
          <Button onClick={submit.retry} busy={submit.busy}>
            Retry (same request)
          </Button>
        ) : null}
        <Button onClick={onClose}>Cancel</Button>
        <Button onClick={(e) => void onSubmit(e, true)} busy={submit.busy}>
          Save and add another
        </Button>
        <Button type="submit" variant="primary" busy={submit.busy}>
          Save
        </Button>
      </div>
    </form>
  );
}

/** Splits: the first envelope takes whatever the others leave of the total (on minor units). */
function withRemainder(first: string, total: string, rest: { envelopeId: string; amount: string }[], currency: string) {
  const remainder = rest.reduce((left, row) => left - toMinor(row.amount || "0", currency), toMinor(total, currency));
  return [{ envelopeId: first, amount: fromMinor(remainder, currency) }, ...rest];
}
