import { useMutation, useQuery } from "@apollo/client/react";
import { useState, type FormEvent } from "react";

import {
  DeleteExchangeRateWebDocument,
  ExchangeRatesWebDocument,
  RecordExchangeRateWebDocument,
  SetBaseCurrencyWebDocument,
  type ExchangeRatesWebQuery,
} from "../../gql/graphql";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type UserErrorLike } from "../../lib/userErrors";
import { Button, Empty, FormMessage, Loading, Problem, Section, TextField } from "../../ui/kit";

type Rate = ExchangeRatesWebQuery["exchangeRates"][number];
type Payload = { userErrors: readonly UserErrorLike[] };

// After a change of rates or the base currency, every figure of the dashboard may change.
const REFETCH = ["ExchangeRatesWeb", "DashboardWeb"];

/** The household's exchange rates and base currency (each user's own). */
export function ExchangeRatesSection() {
  const { data, loading, error, refetch } = useQuery(ExchangeRatesWebDocument);
  let body;
  if (loading && !data) body = <Loading label="Loading your exchange rates…" />;
  else if (error && !data) body = <Problem error={error} onRetry={() => void refetch()} />;
  else if (data)
    body = (
      <>
        <BaseCurrencyForm current={data.baseCurrency} />
        <RecordRateForm base={data.baseCurrency} />
        <RateList rates={data.exchangeRates} />
      </>
    );
  return (
    <Section title="Exchange rates" id="exchange-rates">
      <p className="muted">
        Totals are shown in your base currency (an ISO 4217 code, such as EUR). A rate says how many units of the second currency one unit of
        the first is worth, from its date until a later one; a rate recorded the other way round is used inverted. Without a rate on or before
        a date, the figure is shown as missing.
      </p>
      {body}
    </Section>
  );
}

function BaseCurrencyForm({ current }: { current: string }) {
  const [save] = useMutation(SetBaseCurrencyWebDocument, { refetchQueries: REFETCH });
  const submit = useSubmit<Payload>();
  const [currency, setCurrency] = useState(current);
  const [done, setDone] = useState<string | null>(null);
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    const payload = await submit.run(async () => (await save({ variables: { input: { currency: currency.trim() } } })).data?.setBaseCurrency);
    if (payload) setDone("Saved.");
  };
  return (
    <form onSubmit={onSubmit} noValidate className="rates-form">
      <TextField
        label="Base currency"
        value={currency}
        maxLength={3}
        autoCapitalize="characters"
        onChange={(e) => setCurrency(e.target.value.toUpperCase())}
        error={submit.errors["currency"]}
      />
      <div className="form-actions">
        <Button type="submit" busy={submit.busy} disabled={currency.trim() === current}>
          Save base currency
        </Button>
      </div>
      <FormMessage>{unplacedErrors(submit.errors, ["currency"]) ?? submit.problem}</FormMessage>
      <FormMessage tone="success">{done}</FormMessage>
    </form>
  );
}

function RecordRateForm({ base }: { base: string }) {
  const [record] = useMutation(RecordExchangeRateWebDocument, { refetchQueries: REFETCH });
  const submit = useSubmit<Payload>();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState(base);
  const [date, setDate] = useState(() => new Date().toISOString().slice(0, 10));
  const [rate, setRate] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    const input = { from: from.trim(), to: to.trim(), date, rate: rate.trim() };
    const payload = await submit.run(async () => (await record({ variables: { input } })).data?.recordExchangeRate);
    if (payload) {
      setDone(`Recorded: 1 ${input.from.toUpperCase()} = ${input.rate} ${input.to.toUpperCase()} from ${input.date}.`);
      setRate("");
    }
  };
  const shown = ["from", "to", "date", "rate"];
  return (
    <form onSubmit={onSubmit} noValidate className="rates-form rates-record" aria-label="Record a rate">
      <TextField label="From currency" value={from} maxLength={3} onChange={(e) => setFrom(e.target.value.toUpperCase())} error={submit.errors["from"]} required />
      <TextField label="To currency" value={to} maxLength={3} onChange={(e) => setTo(e.target.value.toUpperCase())} error={submit.errors["to"]} required />
      <TextField label="From date" type="date" value={date} onChange={(e) => setDate(e.target.value)} error={submit.errors["date"]} required />
      <TextField label="Rate" inputMode="decimal" value={rate} onChange={(e) => setRate(e.target.value)} error={submit.errors["rate"]} required />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={submit.busy}>
          Record rate
        </Button>
      </div>
      <FormMessage>{unplacedErrors(submit.errors, shown) ?? submit.problem}</FormMessage>
      <FormMessage tone="success">{done}</FormMessage>
    </form>
  );
}

function RateList({ rates }: { rates: readonly Rate[] }) {
  if (!rates.length) return <Empty title="No exchange rates yet." />;
  return (
    <table className="table rates-table">
      <thead>
        <tr>
          <th>Pair</th>
          <th>From date</th>
          <th className="num">Rate</th>
          <th>
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rates.map((rate) => (
          <RateRow key={rate.id} rate={rate} />
        ))}
      </tbody>
    </table>
  );
}

function RateRow({ rate }: { rate: Rate }) {
  const [remove] = useMutation(DeleteExchangeRateWebDocument, { refetchQueries: REFETCH });
  const submit = useSubmit<Payload>();
  const label = `${rate.from} → ${rate.to}`;
  return (
    <tr>
      <td>{label}</td>
      <td>{rate.date}</td>
      <td className="num">{rate.rate}</td>
      <td className="num">
        <Button
          variant="ghost"
          busy={submit.busy}
          aria-label={`Delete the ${label} rate of ${rate.date}`}
          onClick={() => void submit.run(async () => (await remove({ variables: { input: { id: rate.id } } })).data?.deleteExchangeRate)}
        >
          Delete
        </Button>
        {submit.problem ?? unplacedErrors(submit.errors, []) ? <FormMessage>{submit.problem ?? unplacedErrors(submit.errors, [])}</FormMessage> : null}
      </td>
    </tr>
  );
}
