import { useQuery } from "@apollo/client/react";
import { useMemo, useState } from "react";

import { DashboardWebDocument, type DashboardWebQuery } from "../../gql/graphql";
import { formatMoney, percentOf, toMinor } from "../../lib/money";
import { Amount, Button, Empty, FormMessage, Loading, Problem, ProgressBar, Section, TextField } from "../../ui/kit";
import { LazyMoneyBarChart } from "../budget/LazyMoneyBarChart";
import type { MoneySeries } from "../budget/MoneyBarChart";
import { ExchangeRatesSection } from "./ExchangeRatesSection";
import { LazyMonthChart } from "./LazyMonthChart";
import type { MonthSeries } from "./MonthChart";
import { firstDay, lastMonths, monthLabel, type MonthPoint } from "./plot";
import "./dashboard.css";

type Board = DashboardWebQuery["dashboard"];
type Range = { from: string; to: string };

const BRAND = "#2f6f5e";
const INCOME = "#2e7d32";
const EXPENSE = "#b3261e";

/** The household dashboard: every account the caller is a member of, in their base currency. */
export default function DashboardScreen() {
  const [range, setRange] = useState<Range>(() => lastMonths(new Date(), 12));
  const [period, setPeriod] = useState<Range | null>(null);
  const backwards = range.from > range.to || (period !== null && period.from > period.to);
  const { data, previousData, loading, error, refetch } = useQuery(DashboardWebDocument, {
    variables: {
      from: firstDay(range.from),
      to: firstDay(range.to),
      periodFrom: period ? firstDay(period.from) : null,
      periodTo: period ? firstDay(period.to) : null,
      planMonth: firstDay(range.to),
    },
    skip: backwards,
  });
  const board = (data ?? previousData)?.dashboard;

  let body;
  if (backwards) body = <FormMessage>The range ends before it starts.</FormMessage>;
  else if (loading && !board) body = <Loading label="Loading your dashboard…" />;
  else if (error && !board) body = <Problem error={error} onRetry={() => void refetch()} />;
  else if (board) body = <Figures board={board} period={period ?? range} onPeriod={setPeriod} />;

  return (
    <div className="page stack dashboard-screen">
      <header className="page-header">
        <h1>Dashboard</h1>
        <div className="dashboard-range" role="group" aria-label="Months shown">
          <TextField label="From month" type="month" value={range.from} onChange={(e) => e.target.value && setRange({ ...range, from: e.target.value })} />
          <TextField label="To month" type="month" value={range.to} onChange={(e) => e.target.value && setRange({ ...range, to: e.target.value })} />
        </div>
      </header>
      {error && board ? <Problem error={error} onRetry={() => void refetch()} /> : null}
      {body}
      <ExchangeRatesSection />
    </div>
  );
}

function Figures({ board, period, onPeriod }: { board: Board; period: Range; onPeriod: (p: Range) => void }) {
  const missing = [...new Set(board.accounts.flatMap((a) => a.missing))].sort();
  if (!board.accounts.length) return <Empty title="No accounts yet.">Open an account to see your dashboard.</Empty>;
  return (
    <>
      {missing.length ? (
        <div className="dashboard-missing" role="status">
          <strong>Missing exchange rate{missing.length > 1 ? "s" : ""}:</strong> {missing.join(", ")} to {board.baseCurrency}. Totals that need{" "}
          {missing.length > 1 ? "them" : "it"} are shown as missing, never at 1:1. Record a rate under Exchange rates below.
        </div>
      ) : null}
      <div className="dashboard-grid">
        <NetWorth board={board} />
        <IncomeVsExpense board={board} />
      </div>
      <MonthTable board={board} />
      <Spending board={board} period={period} onPeriod={onPeriod} />
      <div className="dashboard-grid">
        <PlanVsActual board={board} />
        <LargestChanges board={board} />
      </div>
    </>
  );
}

function Missing({ point }: { point: MonthPoint }) {
  return point.money ? <Amount money={point.money} /> : <span className="missing-figure">missing ({point.missing.join(", ")})</span>;
}

function NetWorth({ board }: { board: Board }) {
  const months = useMemo(() => board.netWorth.map((p) => monthLabel(p.month)), [board.netWorth]);
  const series = useMemo<MonthSeries[]>(
    () => [{ name: "Net worth", color: BRAND, kind: "line", points: board.netWorth.map((p) => ({ money: p.total ?? null, missing: p.missing })) }],
    [board.netWorth],
  );
  const last = board.netWorth[board.netWorth.length - 1];
  return (
    <Section title="Net worth" id="net-worth">
      {last ? (
        <p className="dashboard-headline">
          End of {monthLabel(last.month)}: <Missing point={{ money: last.total ?? null, missing: last.missing }} />
        </p>
      ) : null}
      <LazyMonthChart months={months} series={series} currency={board.baseCurrency} label={`Net worth at each month's end, in ${board.baseCurrency}`} />
    </Section>
  );
}

function IncomeVsExpense({ board }: { board: Board }) {
  const rows = board.incomeVsExpense;
  const months = useMemo(() => rows.map((p) => monthLabel(p.month)), [rows]);
  const series = useMemo<MonthSeries[]>(
    () => [
      { name: "Income", color: INCOME, kind: "bar", points: rows.map((p) => ({ money: p.income ?? null, missing: p.missing })) },
      { name: "Expense", color: EXPENSE, kind: "bar", points: rows.map((p) => ({ money: p.expense ?? null, missing: p.missing })) },
    ],
    [rows],
  );
  return (
    <Section title="Income and expense" id="income-expense">
      <LazyMonthChart months={months} series={series} currency={board.baseCurrency} label={`Income and expense per month, in ${board.baseCurrency}`} />
    </Section>
  );
}

/** The figures the two charts draw, exactly, month by month (the source of truth). */
function MonthTable({ board }: { board: Board }) {
  return (
    <Section title="Month by month" id="month-figures">
      <div className="table-scroll">
        <table className="table month-table">
          <thead>
            <tr>
              <th>Month</th>
              <th className="num">Net worth</th>
              <th className="num">Income</th>
              <th className="num">Expense</th>
            </tr>
          </thead>
          <tbody>
            {board.netWorth.map((p, i) => {
              const flow = board.incomeVsExpense[i];
              return (
                <tr key={p.month}>
                  <th scope="row">{monthLabel(p.month)}</th>
                  <td className="num"><Missing point={{ money: p.total ?? null, missing: p.missing }} /></td>
                  <td className="num">{flow ? <Missing point={{ money: flow.income ?? null, missing: flow.missing }} /> : null}</td>
                  <td className="num">{flow ? <Missing point={{ money: flow.expense ?? null, missing: flow.missing }} /> : null}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

function Spending({ board, period, onPeriod }: { board: Board; period: Range; onPeriod: (p: Range) => void }) {
  const [by, setBy] = useState<"envelope" | "payee">("envelope");
  const rows = useMemo(
    () =>
      by === "envelope"
        ? board.spendingByEnvelope.map((s) => ({
            key: s.envelope.id,
            name: `${s.envelope.name} · ${s.account.name}`,
            point: { money: s.converted ?? null, missing: s.missing },
            own: s.spent.currency === board.baseCurrency ? null : s.spent,
          }))
        : board.spendingByPayee.map((s, i) => ({
            key: `${i}-${s.payee ?? ""}`,
            name: s.payee ?? "(no payee)",
            point: { money: s.spent ?? null, missing: s.missing },
            own: null,
          })),
    [by, board],
  );
  // Only converted figures are drawn (one currency per chart); missing ones stay in the list.
  const drawn = useMemo(() => rows.filter((r) => r.point.money), [rows]);
  const categories = useMemo(() => drawn.map((r) => r.name), [drawn]);
  const series = useMemo<MoneySeries[]>(
    () => [{ name: "Spent", color: BRAND, values: drawn.map((r) => r.point.money ?? { amount: "0", currency: board.baseCurrency }) }],
    [drawn, board.baseCurrency],
  );
  return (
    <Section
      title="Spending"
      id="spending"
      actions={
        <div className="segmented" role="group" aria-label="Group spending">
          <Button variant={by === "envelope" ? "primary" : "secondary"} aria-pressed={by === "envelope"} onClick={() => setBy("envelope")}>
            By envelope
          </Button>
          <Button variant={by === "payee" ? "primary" : "secondary"} aria-pressed={by === "payee"} onClick={() => setBy("payee")}>
            By payee
          </Button>
        </div>
      }
    >
      <div className="dashboard-range" role="group" aria-label="Spending period">
        <TextField label="Spending from" type="month" value={period.from} onChange={(e) => e.target.value && onPeriod({ ...period, from: e.target.value })} />
        <TextField label="Spending to" type="month" value={period.to} onChange={(e) => e.target.value && onPeriod({ ...period, to: e.target.value })} />
      </div>
      {rows.length ? (
        <div className="spending">
          <ol className="spending-list" aria-label={`Spending by ${by}`}>
            {rows.map((row) => (
              <li key={row.key}>
                <span className="spending-name">{row.name}</span>
                <Missing point={row.point} />
                {row.own ? <span className="muted spending-own">{formatMoney(row.own)}</span> : null}
              </li>
            ))}
          </ol>
          {drawn.length ? (
            <LazyMoneyBarChart categories={categories} series={series} currency={board.baseCurrency} label={`Spending by ${by}, in ${board.baseCurrency}`} />
          ) : null}
        </div>
      ) : (
        <Empty title="No spending in these months." />
      )}
    </Section>
  );
}

function PlanVsActual({ board }: { board: Board }) {
  const rows = board.planVsActual;
  return (
    <Section title={`Plan and actual in ${monthLabel(board.to)}`} id="plan-actual">
      {rows.length ? (
        <table className="table plan-table">
          <thead>
            <tr>
              <th>Envelope</th>
              <th className="num">Planned</th>
              <th className="num">Spent</th>
              <th className="num hide-phone">Left</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const over = row.remaining.amount.startsWith("-");
              return (
                <tr key={row.envelope.id}>
                  <td>
                    <span className="plan-name">{row.envelope.name}</span> <span className="muted">{row.account.name}</span>
                    {toMinor(row.planned.amount, row.planned.currency) > 0n ? (
                      <ProgressBar
                        value={percentOf(row.actual.amount, row.planned.amount, row.planned.currency)}
                        label={`${row.envelope.name}: spent of planned`}
                        tone={over ? "over" : "ok"}
                      />
                    ) : null}
                  </td>
                  <td className="num"><Amount money={row.planned} /></td>
                  <td className="num"><Amount money={row.actual} /></td>
                  <td className="num hide-phone"><Amount money={row.remaining} /></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <Empty title="No plans or spending in these months." />
      )}
    </Section>
  );
}

function LargestChanges({ board }: { board: Board }) {
  const rows = board.largestChanges;
  const month = board.to;
  return (
    <Section title={`Largest changes in ${monthLabel(month)}`} id="largest-changes">
      <p className="muted">Envelopes spending most differently from their usual (the median of the six months before).</p>
      {rows.length ? (
        <ul className="changes-list">
          {rows.map((c) => (
            <li key={c.envelope.id}>
              <span className="plan-name">{c.envelope.name}</span> <span className="muted">{c.account.name}</span>
              <span className="changes-figures">
                spent <Amount money={c.spent} />, usually <Amount money={c.usual} />{" "}
                <strong className={c.difference.amount.startsWith("-") ? "change-down" : "change-up"}>
                  ({formatMoney(c.difference, { signed: true })})
                </strong>
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <Empty title="Nothing out of the ordinary." />
      )}
    </Section>
  );
}
