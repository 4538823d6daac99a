import { useQuery } from "@apollo/client/react";
import { useMemo, useState } from "react";

import { CashFlowCurrenciesDocument, CashFlowWebDocument } from "../../gql/graphql";
import { today } from "../../lib/ids";
import { Empty, Loading, Problem, SelectField, TextField } from "../../ui/kit";
import { LazySankeyChart } from "./LazySankeyChart";
import { PlanningPanel } from "./PlanningPanel";
import { presetPeriod, PRESETS, type Preset } from "./period";
import { FlowTable } from "./FlowTable";
import "./cashflow.css";

const TOP_PAYEES = [3, 5, 8, 12, 20];

/** Where the money of a period came from and went, and the household's planning model. */
export function CashFlowScreen() {
  const currencies = useQuery(CashFlowCurrenciesDocument);
  const [preset, setPreset] = useState<Preset | "custom">("this-month");
  const [period, setPeriod] = useState(() => presetPeriod("this-month", today()));
  const [chosenCurrency, setCurrency] = useState<string | null>(null);
  const [topPayees, setTopPayees] = useState(8);

  const available = useMemo(() => {
    const counts = new Map<string, number>();
    for (const account of currencies.data?.accounts ?? []) counts.set(account.currency, (counts.get(account.currency) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([code]) => code);
  }, [currencies.data]);
  const currency = chosenCurrency ?? available[0] ?? null;
  const valid = period.from <= period.to;

  const flow = useQuery(CashFlowWebDocument, {
    variables: { from: period.from, to: period.to, currency: currency ?? "EUR", topPayees },
    skip: !currency || !valid,
  });

  if (currencies.loading && !currencies.data) return <Loading label="Loading your accounts…" />;
  if (currencies.error && !currencies.data) return <Problem error={currencies.error} onRetry={() => void currencies.refetch()} />;

  const choose = (value: string) => {
    if (value === "custom") {
      setPreset("custom");
      return;
    }
    setPreset(value as Preset);
    setPeriod(presetPeriod(value as Preset, today()));
  };
  const picture = flow.data?.cashFlow;

  return (
    <div className="page cashflow-page">
      <header className="page-header">
        <div>
          <h1>Cash flow</h1>
          <p className="muted">Where your money came from and where it went, from income through your accounts and envelopes to the payees.</p>
        </div>
      </header>
      {!currency ? (
        <Empty title="No accounts yet.">
          <p>Open an account and record some income and spending to see where your money goes.</p>
        </Empty>
      ) : (
        <section className="card cashflow-card" aria-labelledby="cashflow-title">
          <header className="card-header">
            <h2 id="cashflow-title">From your ledger</h2>
          </header>
          <div className="cashflow-toolbar" role="group" aria-label="What to show">
            <SelectField label="Period" value={preset} onChange={(e) => choose(e.target.value)}>
              {PRESETS.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
              <option value="custom">Custom dates</option>
            </SelectField>
            <TextField
              label="From"
              type="date"
              value={period.from}
              onChange={(e) => {
                setPreset("custom");
                setPeriod((p) => ({ ...p, from: e.target.value }));
              }}
            />
            <TextField
              label="To"
              type="date"
              value={period.to}
              error={valid ? null : "The period ends before it starts."}
              onChange={(e) => {
                setPreset("custom");
                setPeriod((p) => ({ ...p, to: e.target.value }));
              }}
            />
            {available.length > 1 ? (
              <SelectField label="Currency" value={currency} onChange={(e) => setCurrency(e.target.value)}>
                {available.map((code) => (
                  <option key={code}>{code}</option>
                ))}
              </SelectField>
            ) : null}
            <SelectField label="Top payees" value={String(topPayees)} onChange={(e) => setTopPayees(Number(e.target.value))}>
              {TOP_PAYEES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </SelectField>
          </div>
          {flow.error && !picture ? (
            <Problem error={flow.error} onRetry={() => void flow.refetch()} />
          ) : !picture ? (
            valid ? <Loading label="Drawing your cash flow…" /> : null
          ) : picture.links.length === 0 ? (
            <Empty title="No money moved in this period.">
              <p>Income, spending and transfers booked between these dates show here.</p>
            </Empty>
          ) : (
            <>
              <LazySankeyChart
                diagram={picture}
                currency={picture.currency}
                label={`Cash flow from ${picture.from} to ${picture.to} in ${picture.currency}`}
              />
              <p className="muted cashflow-note">
                Spending beyond what came in is drawn from <strong>From balance</strong>; what came in and was not spent goes to{" "}
                <strong>Kept in accounts</strong>. Transfers between two of your accounts are one link, netted.
              </p>
              <FlowTable diagram={picture} currency={picture.currency} caption="Every flow of the period" />
            </>
          )}
          {picture?.excludedAccounts.length ? (
            <p className="muted cashflow-note" role="note">
              Left out (another currency): {picture.excludedAccounts.map((a) => `${a.name} (${a.currency})`).join(", ")}.
            </p>
          ) : null}
        </section>
      )}
      <PlanningPanel period={period} currency={currency} />
    </div>
  );
}
