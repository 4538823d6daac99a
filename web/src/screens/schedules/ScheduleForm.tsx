import { useMutation } from "@apollo/client/react";
import type { ApolloCache } from "@apollo/client";
import { useEffect, useRef, useState, type FormEvent } from "react";

import {
  CreateScheduleWebDocument,
  UpdateScheduleWebDocument,
  type CreateScheduleInput,
  type Frequency,
  type RecordChoicesQuery,
  type ScheduleFieldsFragment,
  type ScheduleKind,
  type ScheduleMode,
  type WeekendRule,
} from "../../gql/graphql";
import { today } from "../../lib/ids";
import { formatMoney, parseAmount } from "../../lib/money";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type FieldErrors, type UserErrorLike } from "../../lib/userErrors";
import { Button, FormMessage, SelectField, TextField } from "../../ui/kit";
import { EnvelopeRows, type EnvelopeRow } from "../../ui/EnvelopeRows";
import { MoneyField } from "../../ui/MoneyField";
import type { BoardAccount } from "../account/useAccount";
import { describeRecurrence, LAST_DAY, ordinal, type RecurrenceLike } from "./recurrence";

type Schedule = ScheduleFieldsFragment;
type Payload = { userErrors: readonly UserErrorLike[]; schedule: Schedule | null };
export type Choices = RecordChoicesQuery | undefined;

export const KIND_LABEL: Record<ScheduleKind, string> = {
  INCOME: "Income",
  PAYDAY: "Payday",
  EXPENSE: "Spending",
  MOVE: "Move",
  TRANSFER: "Transfer",
};

const KINDS: ScheduleKind[] = ["EXPENSE", "INCOME", "PAYDAY", "MOVE", "TRANSFER"];

const FREQUENCIES: { value: Frequency; label: string }[] = [
  { value: "ONCE", label: "Once" },
  { value: "DAILY", label: "Daily" },
  { value: "WEEKLY", label: "Weekly" },
  { value: "SEMI_MONTHLY", label: "Twice a month" },
  { value: "MONTHLY", label: "Monthly" },
  { value: "YEARLY", label: "Yearly" },
];

const INTERVAL_UNIT: Partial<Record<Frequency, [string, string]>> = {
  DAILY: ["day", "days"],
  WEEKLY: ["week", "weeks"],
  MONTHLY: ["month", "months"],
  YEARLY: ["year", "years"],
};

const WEEKEND_LABEL: Record<WeekendRule, string> = {
  AS_IS: "Keep the date",
  BEFORE: "Move to the Friday before",
  AFTER: "Move to the Monday after",
};

type Row = EnvelopeRow;

type Ends = "never" | "after" | "on";

/** Schedule changes move the account's "Coming up" list: drop it so it reloads (a small query). */
export function dropComingUp(cache: ApolloCache, accountId: string): void {
  const id = cache.identify({ __typename: "Account", id: accountId });
  if (id) cache.evict({ id, fieldName: "upcoming" });
}

export function ScheduleForm({
  account,
  schedule,
  choices,
  onDone,
  onCancel,
}: {
  account: BoardAccount;
  schedule: Schedule | null;
  choices: Choices;
  onDone: (schedule: Schedule) => void;
  onCancel: () => void;
}) {
  const currency = account.currency;
  const usable = account.envelopes.filter((e) => !e.archived && !e.deleted && !e.isAvailable);
  const availableId = account.available.id;
  const first = usable[0]?.id ?? "";
  const rule = schedule?.recurrence;

  const [name, setName] = useState(schedule?.name ?? "");
  const [kind, setKind] = useState<ScheduleKind>(schedule?.kind ?? "EXPENSE");
  const [amount, setAmount] = useState(schedule?.amount?.amount ?? "");
  const [envelopeId, setEnvelopeId] = useState(schedule?.envelope?.id ?? first);
  const [splitting, setSplitting] = useState(Boolean(schedule?.splits?.length));
  const [splits, setSplits] = useState<Row[]>(rowsOf(schedule?.splits ?? []));
  const [allocations, setAllocations] = useState<Row[]>(rowsOf(schedule?.allocations ?? []));
  const [fromEnvelopeId, setFromEnvelopeId] = useState(
    schedule?.fromEnvelope?.id ?? (schedule?.kind === "TRANSFER" ? "" : availableId),
  );
  const [toEnvelopeId, setToEnvelopeId] = useState(schedule?.kind === "TRANSFER" ? (schedule.toEnvelopeId ?? "") : (schedule?.toEnvelope?.id ?? first));
  const [toAccountId, setToAccountId] = useState(schedule?.toAccountId ?? "");
  const [receivedAmount, setReceivedAmount] = useState(schedule?.receivedAmount?.amount ?? "");
  const [paymentSourceId, setPaymentSourceId] = useState(schedule?.paymentSourceId ?? "");
  const [payee, setPayee] = useState(schedule?.payee ?? "");
  const [memo, setMemo] = useState(schedule?.memo ?? "");
  const [tags, setTags] = useState(schedule?.tags.join(", ") ?? "");
  const [frequency, setFrequency] = useState<Frequency>(rule?.frequency ?? "MONTHLY");
  const [startDate, setStartDate] = useState(rule?.startDate ?? today());
  const [interval, setInterval] = useState(String(rule?.interval ?? 1));
  const [dayOfMonth, setDayOfMonth] = useState(rule?.dayOfMonth != null ? String(rule.dayOfMonth) : "");
  const [day1, setDay1] = useState(String(rule?.daysOfMonth[0] ?? 1));
  const [day2, setDay2] = useState(String(rule?.daysOfMonth[1] ?? 15));
  const [ends, setEnds] = useState<Ends>(rule?.endAfter ? "after" : rule?.endDate ? "on" : "never");
  const [endAfter, setEndAfter] = useState(rule?.endAfter ? String(rule.endAfter) : "");
  const [endDate, setEndDate] = useState(rule?.endDate ?? "");
  const [weekend, setWeekend] = useState<WeekendRule>(rule?.weekend ?? "AS_IS");
  const [mode, setMode] = useState<ScheduleMode>(schedule?.mode ?? "AUTO");
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const submit = useSubmit<Payload>();
  const [create] = useMutation(CreateScheduleWebDocument);
  const [update] = useMutation(UpdateScheduleWebDocument);
  const errors = { ...submit.errors, ...localErrors };
  const formRef = useRef<HTMLFormElement>(null);
  const [attempt, setAttempt] = useState(0);
  // After a refused save, the first field in error takes the focus (scrolled into view).
  useEffect(() => {
    const invalid = attempt ? formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]') : null;
    if (!invalid) return;
    invalid.focus({ preventScroll: true });
    // Centred: the dialog's sticky header would cover a field scrolled to the top.
    invalid.scrollIntoView?.({ block: "center" });
  }, [attempt]);

  const targets = (choices?.accounts ?? []).filter((a) => a.id !== account.id && !a.closed && a.myRole !== "VIEWER");
  const target = targets.find((a) => a.id === toAccountId);
  const sources = choices?.account?.paymentSources ?? [];
  const source = sources.find((s) => s.id === paymentSourceId);
  const hasInterval = frequency in INTERVAL_UNIT;
  const hasEnd = frequency !== "ONCE";

  const intervalNumber = /^\d+$/.test(interval.trim()) ? Number(interval.trim()) : NaN;
  const previewRule: RecurrenceLike = {
    frequency,
    startDate: startDate || today(),
    interval: hasInterval && intervalNumber > 0 ? intervalNumber : 1,
    dayOfMonth: frequency === "MONTHLY" && dayOfMonth !== "" ? Number(dayOfMonth) : null,
    daysOfMonth: [Number(day1), Number(day2)],
    endAfter: hasEnd && ends === "after" && /^\d+$/.test(endAfter) ? Number(endAfter) : null,
    endDate: hasEnd && ends === "on" && endDate ? endDate : null,
    weekend,
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: FieldErrors = {};
    const money = (text: string, field: string, cur = currency): string | null => {
      const parsed = parseAmount(text, cur);
      if (!parsed.ok) {
        problems[field] = parsed.message;
        return null;
      }
      return parsed.amount;
    };
    if (!name.trim()) problems["name"] = "Give the schedule a name.";
    const value = kind === "PAYDAY" && !amount.trim() ? null : money(amount, "amount");
    if (!startDate) problems["recurrence.startDate"] = "Choose the first date.";
    if (hasInterval && !(intervalNumber >= 1)) problems["recurrence.interval"] = "Enter a whole number, 1 or more.";
    if (hasEnd && ends === "after" && !(/^\d+$/.test(endAfter.trim()) && Number(endAfter) >= 1)) problems["recurrence.endAfter"] = "Enter how many times, 1 or more.";
    if (hasEnd && ends === "on" && !endDate) problems["recurrence.endDate"] = "Choose the last date.";
    if (frequency === "SEMI_MONTHLY" && Number(day2) !== LAST_DAY && Number(day1) >= Number(day2)) {
      problems["recurrence.daysOfMonth"] = "The second day comes after the first.";
    }

    const input: Record<string, unknown> = {
      name: name.trim(),
      kind,
      mode,
      amount: value,
      payee: kind === "MOVE" || kind === "TRANSFER" ? null : payee.trim() || null,
      memo: memo.trim() || null,
      tags: tags.split(",").map((t) => t.trim()).filter(Boolean),
      recurrence: {
        frequency,
        startDate,
        interval: hasInterval && intervalNumber >= 1 ? intervalNumber : 1,
        dayOfMonth: frequency === "MONTHLY" && dayOfMonth !== "" ? Number(dayOfMonth) : null,
        daysOfMonth: frequency === "SEMI_MONTHLY" ? [Number(day1), Number(day2)] : null,
        endAfter: hasEnd && ends === "after" ? Number(endAfter) : null,
        endDate: hasEnd && ends === "on" ? endDate : null,
        weekend,
      },
    };
    const parts = (rows: Row[], prefix: string) =>
      rows.map((row, i) => ({ envelopeId: row.envelopeId, amount: money(row.amount, `${prefix}.${i}.amount`) ?? "0" }));
    switch (kind) {
      case "INCOME":
        if (allocations.length) input["allocations"] = parts(allocations, "allocations");
        break;
      case "PAYDAY":
        if (!paymentSourceId) problems["paymentSourceId"] = "Choose a payday template.";
        input["paymentSourceId"] = paymentSourceId || null;
        break;
      case "EXPENSE":
        if (splitting) {
          input["splits"] = parts(splits, "splits");
          if (splits.length < 2) problems["splits"] = "Split across at least two envelopes.";
        } else {
          if (!envelopeId) problems["envelopeId"] = "Choose an envelope.";
          input["envelopeId"] = envelopeId || null;
        }
        break;
      case "MOVE":
        if (fromEnvelopeId === toEnvelopeId) problems["toEnvelopeId"] = "Choose two different envelopes.";
        input["fromEnvelopeId"] = fromEnvelopeId;
        input["toEnvelopeId"] = toEnvelopeId;
        break;
      case "TRANSFER":
        if (!toAccountId) problems["toAccountId"] = "Choose the account the money goes to.";
        input["toAccountId"] = toAccountId || null;
        input["fromEnvelopeId"] = fromEnvelopeId || null;
        input["toEnvelopeId"] = toEnvelopeId || null;
        if (target && target.currency !== currency) input["receivedAmount"] = money(receivedAmount, "receivedAmount", target.currency);
        break;
    }
    setLocalErrors(problems);
    if (Object.keys(problems).length) {
      setAttempt((n) => n + 1);
      return;
    }

    const done = await submit.run(async () => {
      if (schedule) {
        const result = await update({
          variables: { input: { id: schedule.id, ...asInput(input) } },
          update: (cache) => dropComingUp(cache, account.id),
        });
        return result.data?.updateSchedule;
      }
      const result = await create({
        variables: { input: { accountId: account.id, ...asInput(input) } },
        update: (cache, { data }) => {
          const created = data?.createSchedule.schedule;
          if (!created) return;
          cache.modify({
            id: cache.identify({ __typename: "Account", id: account.id }),
            fields: {
              schedules: (existing, { toReference }) =>
                Array.isArray(existing) ? [...existing, toReference({ __typename: "Schedule", id: created.id })] : existing,
            },
          });
          dropComingUp(cache, account.id);
        },
      });
      return result.data?.createSchedule;
    });
    if (done?.schedule) onDone(done.schedule);
    else setAttempt((n) => n + 1);
  };

  const recurrenceFields = ["startDate", "interval", "dayOfMonth", "daysOfMonth", "endAfter", "endDate", "weekend", "frequency"].map((f) => `recurrence.${f}`);
  const shown = [
    "name", "kind", "mode", "amount", "envelopeId", "splits", "allocations", "fromEnvelopeId", "toEnvelopeId", "toAccountId",
    "receivedAmount", "paymentSourceId", "payee", "memo", "tags", ...recurrenceFields,
    ...Object.keys(errors).filter((k) => k.startsWith("splits.") || k.startsWith("allocations.")),
  ];
  const formLevel = unplacedErrors(errors, shown);

  const envelopeOptions = (withAvailable: boolean) => (
    <>
      {withAvailable ? <option value={availableId}>Ready to assign</option> : null}
      {usable.map((e) => (
        <option key={e.id} value={e.id}>
          {e.name}
        </option>
      ))}
    </>
  );
  const nextFree = (rows: Row[]) => usable.find((e) => !rows.some((r) => r.envelopeId === e.id))?.id ?? first;

  return (
    <form ref={formRef} onSubmit={(e) => void onSubmit(e)} noValidate className="form-grid sc-form">
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={errors["name"]} autoFocus autoComplete="off" className="span-2" />
      <div className="span-2 field">
        <div className="segmented" role="radiogroup" aria-label="Kind">
          {KINDS.map((k) => (
            <label key={k} className={`segment${kind === k ? " segment-on" : ""}`}>
              <input type="radio" name="schedule-kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
              {KIND_LABEL[k]}
            </label>
          ))}
        </div>
        {errors["kind"] ? (
          <p className="field-error" role="alert">
            {errors["kind"]}
          </p>
        ) : null}
      </div>

      {kind === "PAYDAY" ? (
        <>
          <SelectField label="Payday template" value={paymentSourceId} onChange={(e) => setPaymentSourceId(e.target.value)} error={errors["paymentSourceId"]}>
            <option value="">Choose…</option>
            {sources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} — {formatMoney(s.expectedAmount)}
              </option>
            ))}
          </SelectField>
          <MoneyField
            label="Amount"
            currency={currency}
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            error={errors["amount"]}
            hint={source ? `Leave empty for the expected ${formatMoney(source.expectedAmount)}.` : "Leave empty for the template's expected amount."}
          />
          {choices && !sources.length ? <p className="field-hint span-2">No payday templates yet: an admin adds them under Paydays.</p> : null}
        </>
      ) : (
        <MoneyField label="Amount" currency={currency} value={amount} onChange={(e) => setAmount(e.target.value)} error={errors["amount"]} />
      )}

      {kind === "EXPENSE" && !splitting ? (
        <SelectField label="From envelope" value={envelopeId} onChange={(e) => setEnvelopeId(e.target.value)} error={errors["envelopeId"]}>
          {envelopeOptions(false)}
        </SelectField>
      ) : null}
      {kind === "MOVE" || kind === "TRANSFER" ? (
        <SelectField label="From envelope" value={fromEnvelopeId} onChange={(e) => setFromEnvelopeId(e.target.value)} error={errors["fromEnvelopeId"]}>
          {kind === "TRANSFER" ? <option value="">Ready to assign</option> : null}
          {envelopeOptions(kind === "MOVE")}
        </SelectField>
      ) : null}
      {kind === "MOVE" ? (
        <SelectField label="To envelope" value={toEnvelopeId} onChange={(e) => setToEnvelopeId(e.target.value)} error={errors["toEnvelopeId"]}>
          {envelopeOptions(true)}
        </SelectField>
      ) : null}
      {kind === "TRANSFER" ? (
        <>
          <SelectField
            label="To account"
            value={toAccountId}
            onChange={(e) => {
              setToAccountId(e.target.value);
              setToEnvelopeId("");
            }}
            error={errors["toAccountId"]}
          >
            <option value="">Choose…</option>
            {targets.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.currency})
              </option>
            ))}
          </SelectField>
          {target ? (
            <SelectField label="Into envelope" value={toEnvelopeId} onChange={(e) => setToEnvelopeId(e.target.value)} error={errors["toEnvelopeId"]}>
              <option value="">Ready to assign</option>
              {target.envelopes
                .filter((e) => !e.isAvailable && !e.archived)
                .map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name}
                  </option>
                ))}
            </SelectField>
          ) : null}
          {target && target.currency !== currency ? (
            <MoneyField
              label="Amount received"
              currency={target.currency}
              value={receivedAmount}
              onChange={(e) => setReceivedAmount(e.target.value)}
              error={errors["receivedAmount"]}
              hint={`What arrives in ${target.name}.`}
            />
          ) : null}
        </>
      ) : null}

      {kind === "EXPENSE" ? (
        <div className="span-2">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={splitting}
              onChange={(e) => {
                setSplitting(e.target.checked);
                if (e.target.checked && !splits.length) {
                  setSplits([
                    { envelopeId: envelopeId || first, amount: "" },
                    { envelopeId: usable.find((x) => x.id !== (envelopeId || first))?.id ?? first, amount: "" },
                  ]);
                }
              }}
            />
            <span>Split across several envelopes</span>
          </label>
          {splitting ? (
            <EnvelopeRows
              title="Split (adds up to the amount)"
              rows={splits}
              setRows={setSplits}
              options={envelopeOptions(false)}
              newEnvelope={nextFree(splits)}
              currency={currency}
              errors={errors}
              prefix="splits"
              total={amount}
              remainderLabel="Left to split"
            />
          ) : null}
        </div>
      ) : null}
      {kind === "INCOME" ? (
        <EnvelopeRows
          title="Put straight into envelopes (optional; the rest goes to Ready to assign)"
          rows={allocations}
          setRows={setAllocations}
          options={envelopeOptions(false)}
          newEnvelope={nextFree(allocations)}
          currency={currency}
          errors={errors}
          prefix="allocations"
          total={amount}
          remainderLabel="Left for Ready to assign"
        />
      ) : null}

      {kind === "EXPENSE" || kind === "INCOME" || kind === "PAYDAY" ? (
        <TextField label={kind === "EXPENSE" ? "Payee" : "Payer"} value={payee} onChange={(e) => setPayee(e.target.value)} error={errors["payee"]} autoComplete="off" />
      ) : null}
      <TextField label="Memo" value={memo} onChange={(e) => setMemo(e.target.value)} error={errors["memo"]} autoComplete="off" />
      <TextField label="Tags" value={tags} onChange={(e) => setTags(e.target.value)} error={errors["tags"]} hint="Comma-separated" autoComplete="off" className={kind === "MOVE" || kind === "TRANSFER" ? "" : "span-2"} />

      <fieldset className="span-2 sc-when">
        <legend>When</legend>
        <div className="form-grid">
          <SelectField label="Repeats" value={frequency} onChange={(e) => setFrequency(e.target.value as Frequency)} error={errors["recurrence.frequency"]}>
            {FREQUENCIES.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </SelectField>
          <TextField
            label={frequency === "ONCE" ? "Date" : "Starts on"}
            type="date"
            value={startDate}
            onChange={(e) => setStartDate(e.target.value)}
            error={errors["recurrence.startDate"]}
          />
          {hasInterval ? (
            <TextField
              label={`Every how many ${INTERVAL_UNIT[frequency]![1]}`}
              inputMode="numeric"
              value={interval}
              onChange={(e) => setInterval(e.target.value)}
              error={errors["recurrence.interval"]}
              hint={intervalNumber === 1 ? `Every ${INTERVAL_UNIT[frequency]![0]}` : undefined}
              autoComplete="off"
            />
          ) : null}
          {frequency === "MONTHLY" ? (
            <SelectField label="Day of the month" value={dayOfMonth} onChange={(e) => setDayOfMonth(e.target.value)} error={errors["recurrence.dayOfMonth"]}>
              <option value="">Same day as the start date</option>
              {Array.from({ length: 31 }, (_, i) => i + 1).map((d) => (
                <option key={d} value={d}>
                  {ordinal(d)}
                </option>
              ))}
              <option value={LAST_DAY}>Last day of the month</option>
            </SelectField>
          ) : null}
          {frequency === "SEMI_MONTHLY" ? (
            <>
              <SelectField label="First day" value={day1} onChange={(e) => setDay1(e.target.value)} error={errors["recurrence.daysOfMonth"]}>
                {Array.from({ length: 28 }, (_, i) => i + 1).map((d) => (
                  <option key={d} value={d}>
                    {ordinal(d)}
                  </option>
                ))}
              </SelectField>
              <SelectField label="Second day" value={day2} onChange={(e) => setDay2(e.target.value)}>
                {Array.from({ length: 28 }, (_, i) => i + 1).map((d) => (
                  <option key={d} value={d}>
                    {ordinal(d)}
                  </option>
                ))}
                <option value={LAST_DAY}>Last day of the month</option>
              </SelectField>
            </>
          ) : null}
          {hasEnd ? (
            <SelectField label="Ends" value={ends} onChange={(e) => setEnds(e.target.value as Ends)}>
              <option value="never">Never</option>
              <option value="after">After a number of times</option>
              <option value="on">On a date</option>
            </SelectField>
          ) : null}
          {hasEnd && ends === "after" ? (
            <TextField label="Number of times" inputMode="numeric" value={endAfter} onChange={(e) => setEndAfter(e.target.value)} error={errors["recurrence.endAfter"]} autoComplete="off" />
          ) : null}
          {hasEnd && ends === "on" ? (
            <TextField label="Last date" type="date" value={endDate} onChange={(e) => setEndDate(e.target.value)} error={errors["recurrence.endDate"]} />
          ) : null}
          <SelectField label="On a weekend" value={weekend} onChange={(e) => setWeekend(e.target.value as WeekendRule)} error={errors["recurrence.weekend"]}>
            {(Object.keys(WEEKEND_LABEL) as WeekendRule[]).map((w) => (
              <option key={w} value={w}>
                {WEEKEND_LABEL[w]}
              </option>
            ))}
          </SelectField>
        </div>
        <p className="sc-preview" aria-live="polite">
          {describeRecurrence(previewRule)}
        </p>
      </fieldset>

      <fieldset className="span-2 sc-mode">
        <legend>On the day</legend>
        <label className="checkbox">
          <input type="radio" name="schedule-mode" value="AUTO" checked={mode === "AUTO"} onChange={() => setMode("AUTO")} />
          <span>Post it automatically</span>
        </label>
        <label className="checkbox">
          <input type="radio" name="schedule-mode" value="REMIND" checked={mode === "REMIND"} onChange={() => setMode("REMIND")} />
          <span>Only remind me (I post it myself)</span>
        </label>
        {errors["mode"] ? (
          <p className="field-error" role="alert">
            {errors["mode"]}
          </p>
        ) : null}
      </fieldset>

      <FormMessage>{formLevel ?? submit.problem}</FormMessage>
      <div className="form-actions span-2">
        {submit.problem && submit.retryable ? (
          <Button onClick={submit.retry} busy={submit.busy}>
            Retry
          </Button>
        ) : null}
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" busy={submit.busy}>
          {schedule ? "Save schedule" : "Create schedule"}
        </Button>
      </div>
    </form>
  );
}

function rowsOf(parts: readonly { envelope: { id: string } | null; amount: { amount: string } }[]): Row[] {
  return parts.filter((p) => p.envelope).map((p) => ({ envelopeId: p.envelope!.id, amount: p.amount.amount }));
}

/** The form's loosely built input, typed for both create and update (the fields are the same). */
function asInput(input: Record<string, unknown>) {
  return input as unknown as Omit<CreateScheduleInput, "accountId">;
}
