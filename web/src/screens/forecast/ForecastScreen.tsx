import { useQuery } from "@apollo/client/react";
import { useMemo } from "react";
import { useSearchParams } from "react-router";

import { AccountForecastScreenDocument, type AccountForecastScreenQuery } from "../../gql/graphql";
import { formatDate } from "../../lib/ids";
import { formatMoney, isNegative } from "../../lib/money";
import { Amount, Empty, Loading, Problem, SelectField } from "../../ui/kit";
import { useAccount } from "../account/useAccount";
import "../budget/budget.css";
import "./forecast.css";
import { LazyBandChart } from "./LazyBandChart";
import { honestNote, HORIZONS, METHOD_LABEL, monthLabel, statedError } from "./words";

type Shown = NonNullable<AccountForecastScreenQuery["account"]>;
type EnvelopeRow = Shown["envelopes"][number];
type Forecast = NonNullable<EnvelopeRow["forecast"]>;

const MONTHS = 6;

/** The account's forecast: `?days=` the horizon of the projected balance (30, 90, 180, 365). */
export default function ForecastScreen() {
  const { account } = useAccount();
  const [params, setParams] = useSearchParams();
  const asked = Number(params.get("days"));
  const days = (HORIZONS as readonly number[]).includes(asked) ? asked : 90;
  const { data, previousData, loading, error, refetch } = useQuery(AccountForecastScreenDocument, {
    variables: { id: account.id, months: MONTHS, days },
  });
  const shown = data?.account ?? previousData?.account;

  if (loading && !shown) return <Loading label="Working out the forecast…" />;
  if (error && !data) return <Problem error={error} onRetry={() => void refetch()} />;
  if (!shown) return <Empty title="This account does not exist or is not shared with you." />;

  return (
    <div className="forecast budget" aria-busy={loading || undefined}>
      <div className="budget-toolbar">
        <h2 className="period-title">Projected balance</h2>
        <SelectField
          label="Looking ahead"
          className="forecast-horizon"
          value={String(days)}
          onChange={(event) => setParams(event.target.value === "90" ? {} : { days: event.target.value })}
        >
          {HORIZONS.map((d) => (
            <option key={d} value={d}>
              {d} days
            </option>
          ))}
        </SelectField>
      </div>
      <Projection account={shown} days={days} />
      <h2 className="budget-section-title forecast-envelopes-title">Spending by envelope, next {MONTHS} months</h2>
      <p className="muted forecast-explain">
        Each envelope's forecast is learned from its own history: the method that would have predicted the last 12 months best is used, and its
        typical miss over those months is shown. The band is where the spending fell 8 times in 10.
      </p>
      <EnvelopeTable rows={shown.envelopes.filter(worthShowing)} />
    </div>
  );
}

/** Every envelope with a forecast, but Available only when it has something to show. */
function worthShowing(row: EnvelopeRow): boolean {
  const forecast = row.forecast;
  if (!forecast) return false;
  if (!row.isAvailable) return true;
  return forecast.points.some((p) => !/^0+(\.0+)?$/.test(p.expected.amount));
}

function Projection({ account, days }: { account: Shown; days: number }) {
  const projection = account.projection;
  const points = useMemo(
    () => projection.points.map((p) => ({ label: formatDate(p.date), value: p.balance, low: p.low, high: p.high })),
    [projection.points],
  );
  const last = projection.points[projection.points.length - 1];
  const lowest = projection.lowest;
  const belowZero = isNegative(lowest.low.amount);
  return (
    <>
      <ul className="budget-totals" aria-label="Projected balance">
        <li className="budget-total">
          <span className="budget-total-label">Today</span>
          <Amount money={account.balance} className="budget-total-value" />
        </li>
        {last ? (
          <li className="budget-total budget-total-strong">
            <span className="budget-total-label">In {days} days</span>
            <Amount money={last.balance} className="budget-total-value" />
            <span className="budget-sub">
              between {formatMoney(last.low)} and {formatMoney(last.high)}
            </span>
          </li>
        ) : null}
        <li className={`budget-total${belowZero ? " budget-total-warn" : ""}`}>
          <span className="budget-total-label">Lowest point</span>
          <Amount money={lowest.low} className="budget-total-value" />
          <span className="budget-sub">on {formatDate(lowest.date)}</span>
        </li>
      </ul>
      {belowZero ? (
        <p className="form-message form-message-error" role="alert">
          The balance may go below zero around {formatDate(lowest.date)}.
        </p>
      ) : null}
      <div className="card budget-chart">
        <LazyBandChart
          points={points}
          currency={account.currency}
          zeroLine={belowZero}
          label={`Projected balance over the next ${days} days, from ${formatMoney(account.balance)} today to ${last ? formatMoney(last.balance) : ""}; lowest ${formatMoney(lowest.low)} on ${formatDate(lowest.date)}.`}
        />
      </div>
      {projection.scheduled.length ? (
        <details className="card forecast-scheduled">
          <summary>
            {projection.scheduled.length} scheduled transaction{projection.scheduled.length === 1 ? "" : "s"} included
          </summary>
          <ul>
            {projection.scheduled.map((s, i) => (
              <li key={`${s.date}-${s.name}-${i}`}>
                <span>{formatDate(s.date)}</span> <span>{s.name}</span> <Amount money={s.amount} signed />
              </li>
            ))}
          </ul>
        </details>
      ) : (
        <p className="muted">No scheduled transactions in this horizon: the projection is the envelopes' forecast spending.</p>
      )}
    </>
  );
}

function EnvelopeTable({ rows }: { rows: EnvelopeRow[] }) {
  if (rows.length === 0) return <Empty title="No envelopes to forecast yet." />;
  const months = rows[0]?.forecast?.points.map((p) => p.month) ?? [];
  return (
    <div className="forecast-table-wrap">
    <table className="table budget-table forecast-table">
      <caption className="visually-hidden">Expected spending per envelope and month, with its band</caption>
      <thead>
        <tr>
          <th scope="col">Envelope</th>
          <th scope="col">Trend</th>
          {months.map((m) => (
            <th key={m} scope="col" className="num">
              {monthLabel(m)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (row.forecast ? <EnvelopeRowView key={row.id} row={row} forecast={row.forecast} /> : null))}
      </tbody>
    </table>
    </div>
  );
}

function EnvelopeRowView({ row, forecast }: { row: EnvelopeRow; forecast: Forecast }) {
  const learned = forecast.method !== "INSUFFICIENT_HISTORY";
  const points = useMemo(
    () => forecast.points.map((p) => ({ label: monthLabel(p.month), value: p.expected, low: p.low, high: p.high })),
    [forecast.points],
  );
  return (
    <tr className={learned ? "forecast-row" : "forecast-row forecast-row-plan"}>
      <th scope="row" className="budget-envelope">
        <span className="budget-envelope-name">{row.isAvailable ? "Available (unassigned)" : row.name}</span>
        <span className="budget-sub">
          {learned ? (
            <>
              <span className="badge badge-muted">{METHOD_LABEL[forecast.method]}</span>{" "}
              {forecast.backtest ? <span className="forecast-error">{statedError(forecast.backtest.mae, forecast.backtest.mase)}</span> : null}
            </>
          ) : (
            <span className="forecast-honest">{honestNote(forecast.reason)}</span>
          )}
        </span>
        {!learned && forecast.reason ? <span className="budget-sub forecast-reason">{forecast.reason}</span> : null}
      </th>
      <td data-label="Trend" className="forecast-spark">
        {learned ? (
          <LazyBandChart points={points} currency={forecast.points[0]?.expected.currency ?? "EUR"} compact label={`${row.name}: expected spending over the next months, with its band.`} />
        ) : null}
      </td>
      {forecast.points.map((p) => (
        <td key={p.month} data-label={monthLabel(p.month)} className="num">
          <Amount money={p.expected} />
          {learned && p.low.amount !== p.high.amount ? (
            <span className="budget-sub forecast-band">
              {formatMoney(p.low)}–{formatMoney(p.high)}
            </span>
          ) : null}
        </td>
      ))}
    </tr>
  );
}
