import { useQuery } from "@apollo/client/react";
import { useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";

import { AccountBudgetDocument } from "../../gql/graphql";
import { formatDate } from "../../lib/ids";
import { formatMoney, isNegative, toMinor, type MoneyValue } from "../../lib/money";
import { can } from "../../lib/roles";
import { Amount, Button, Empty, FormMessage, Loading, Problem, ProgressBar } from "../../ui/kit";
import { useAccount } from "../account/useAccount";
import "./budget.css";
import { CadenceDialog } from "./CadenceDialog";
import { FundDialog } from "./FundDialog";
import { LazyMoneyBarChart } from "./LazyMoneyBarChart";
import { PlanGoalDialog } from "./PlanGoalDialog";
import type { EnvelopeRow, ShownBudget } from "./types";
import { CHART_COLORS, DATE, GOAL_KIND_LABEL, GOAL_STATUS_LABEL, periodLabel, ROLLOVER_SHORT } from "./words";


/** The budget of one period: `?period=YYYY-MM-DD` (its first day); none = the current period. */
export default function BudgetScreen() {
  const { account } = useAccount();
  const [params, setParams] = useSearchParams();
  const asked = params.get("period");
  const period = asked && DATE.test(asked) ? asked : null;
  const { data, previousData, loading, error, refetch } = useQuery(AccountBudgetDocument, {
    variables: { id: account.id, period },
  });
  const [dialog, setDialog] = useState<{ kind: "fund" } | { kind: "cadence" } | { kind: "plan"; envelopeId: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const writable = can.edit(account.myRole) && !account.closed;
  const admin = can.admin(account.myRole) && !account.closed;
  const shown = data?.account ?? previousData?.account;
  const budget = shown?.budget;
  const currency = account.currency;
  const currentStart = account.budget.period.start;

  const goTo = (start: string | null, keepNotice = false) => {
    if (!keepNotice) setNotice(null);
    setParams(start && start !== currentStart ? { period: start } : {}, { replace: false });
  };

  if (loading && !shown) return <Loading label="Loading the budget…" />;
  if (error && !data) {
    return (
      <div className="budget">
        <Problem error={error} onRetry={() => void refetch()} />
        {period ? (
          <p>
            <Button onClick={() => goTo(null)}>Show this period</Button>
          </p>
        ) : null}
      </div>
    );
  }
  if (!shown || !budget) {
    return <Empty title="This account does not exist or is not shared with you." />;
  }

  const isCurrent = budget.period.start === currentStart;
  const isPast = budget.period.start < currentStart;
  const label = periodLabel(budget.period.start, budget.period.lastDay);
  const rows = budget.envelopes.filter((row) => !row.envelope.deleted);
  const editing = dialog?.kind === "plan" ? rows.find((r) => r.envelope.id === dialog.envelopeId) : undefined;

  return (
    <div className="budget" aria-busy={loading || undefined}>
      <div className="budget-toolbar">
        <nav className="period-nav" aria-label="Budget period">
          <Button variant="ghost" onClick={() => goTo(budget.period.previousStart)} aria-label="Previous period">
            ‹ Previous
          </Button>
          <h2 className="period-title" aria-live="polite">
            {label}
            {isCurrent ? <span className="badge badge-now">This period</span> : null}
          </h2>
          <Button variant="ghost" onClick={() => goTo(budget.period.nextStart)} aria-label="Next period">
            Next ›
          </Button>
          {!isCurrent ? <Button onClick={() => goTo(null)}>This period</Button> : null}
        </nav>
        <div className="budget-actions">
          <span className="cadence-note">Periods: {account.budgetCadence.description}</span>
          {admin ? <Button onClick={() => setDialog({ kind: "cadence" })}>Budget periods…</Button> : null}
          {writable ? (
            <Button variant="primary" onClick={() => { setNotice(null); setDialog({ kind: "fund" }); }}>
              Fill envelopes from plans
            </Button>
          ) : null}
        </div>
      </div>
      <FormMessage tone="success">{notice}</FormMessage>

      <ul className="budget-totals" aria-label={`Totals for ${label}`}>
        <Total label="Ready to assign at the start" money={budget.availableAtStart} />
        <Total label={isCurrent ? "Ready to assign now" : isPast ? "Ready to assign at the end" : "Ready to assign so far"} money={budget.available} strong />
        <Total label="Planned" money={budget.planned} />
        <Total label="Funded" money={budget.funded} />
        <Total label="Spent" money={budget.spent} />
        <Total label="Still needed" money={budget.needed} warn={toMinor(budget.needed.amount, currency) > 0n} />
        {toMinor(budget.swept.amount, currency) !== 0n ? <Total label="Sent back at the end" money={budget.swept} /> : null}
      </ul>
      {budget.overspent.length ? (
        <FormMessage>
          {budget.overspent.length === 1 ? "1 envelope is" : `${budget.overspent.length} envelopes are`} overspent
          {isPast ? " at the end of this period" : ""}: move money into {budget.overspent.length === 1 ? "it" : "them"} to cover it.
        </FormMessage>
      ) : null}

      {rows.length === 0 ? (
        <Empty title="No envelopes to budget yet.">
          <Link to="..">Create envelopes on the board</Link>
        </Empty>
      ) : (
        <>
          <BudgetChart rows={rows} currency={currency} label={label} budget={budget} />
          <BudgetTable rows={rows} admin={admin} cadence={account.budgetCadence.description} onEdit={(envelopeId) => { setNotice(null); setDialog({ kind: "plan", envelopeId }); }} />
        </>
      )}

      {dialog?.kind === "fund" ? (
        <FundDialog
          account={account}
          period={isCurrent ? null : budget.period.start}
          periodName={isCurrent ? "this period" : label}
          onClose={() => setDialog(null)}
          onApplied={(message) => {
            setNotice(message);
            setDialog(null);
            // The move's payload updated the board; this period's figures come back with a refetch.
            void refetch();
          }}
        />
      ) : null}
      {dialog?.kind === "cadence" ? (
        <CadenceDialog
          accountId={account.id}
          onClose={() => setDialog(null)}
          onSaved={(description) => {
            setDialog(null);
            setNotice(`Budget periods now run ${description.toLowerCase()}.`);
            if (period) goTo(null, true);
            else void refetch();
          }}
        />
      ) : null}
      {editing ? (
        <PlanGoalDialog
          account={account}
          row={editing}
          onClose={() => setDialog(null)}
          onSaved={() => void refetch()}
        />
      ) : null}
    </div>
  );
}

function Total({ label, money, strong, warn }: { label: string; money: MoneyValue; strong?: boolean; warn?: boolean }) {
  return (
    <li className={`budget-total${strong ? " budget-total-strong" : ""}${warn ? " budget-total-warn" : ""}`}>
      <span className="budget-total-label">{label}</span>
      <Amount money={money} className="budget-total-value" />
    </li>
  );
}

function BudgetChart({ rows, currency, label, budget }: { rows: EnvelopeRow[]; currency: string; label: string; budget: ShownBudget }) {
  const { categories, series } = useMemo(
    () => ({
      categories: rows.map((r) => r.envelope.name),
      series: [
        { name: "Planned", color: CHART_COLORS.planned, values: rows.map((r) => r.planned) },
        { name: "Funded", color: CHART_COLORS.funded, values: rows.map((r) => r.funded) },
        { name: "Spent", color: CHART_COLORS.spent, values: rows.map((r) => r.spent) },
      ],
    }),
    [rows],
  );
  const summary =
    `Bar chart of planned, funded and spent money per envelope for ${label}: ` +
    `${formatMoney(budget.planned)} planned, ${formatMoney(budget.funded)} funded, ${formatMoney(budget.spent)} spent ` +
    `across ${rows.length} envelope${rows.length === 1 ? "" : "s"}. The table below lists every figure.`;
  const empty = rows.every((r) => [r.planned, r.funded, r.spent].every((m) => toMinor(m.amount, currency) === 0n));
  return (
    <section className="card budget-chart" aria-labelledby="budget-chart-title">
      <h3 id="budget-chart-title" className="budget-section-title">
        Planned, funded and spent
      </h3>
      {empty ? (
        <p className="muted">Nothing was planned, funded or spent in this period.</p>
      ) : (
        <LazyMoneyBarChart categories={categories} series={series} currency={currency} label={summary} />
      )}
    </section>
  );
}

function BudgetTable({ rows, admin, cadence, onEdit }: { rows: EnvelopeRow[]; admin: boolean; cadence: string; onEdit: (envelopeId: string) => void }) {
  return (
    <table className="table budget-table">
      <caption className="visually-hidden">Envelopes in this period</caption>
      <thead>
        <tr>
          <th scope="col">Envelope</th>
          <th scope="col">Plan</th>
          <th scope="col" className="num">Planned</th>
          <th scope="col" className="num">Funded</th>
          <th scope="col" className="num">Spent</th>
          <th scope="col" className="num">Balance</th>
          <th scope="col" className="num">Needed</th>
          <th scope="col">Goal</th>
          {admin ? <th scope="col"><span className="visually-hidden">Edit</span></th> : null}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <BudgetRow key={row.envelope.id} row={row} admin={admin} cadence={cadence} onEdit={() => onEdit(row.envelope.id)} />
        ))}
      </tbody>
    </table>
  );
}

function BudgetRow({ row, admin, cadence, onEdit }: { row: EnvelopeRow; admin: boolean; cadence: string; onEdit: () => void }) {
  const { envelope, plan, goal } = row;
  const currency = row.planned.currency;
  const needs = toMinor(row.needed.amount, currency) > 0n;
  return (
    <tr className={`budget-row${row.overspent ? " budget-row-overspent" : ""}`}>
      <th scope="row" className="budget-envelope">
        <span className="budget-envelope-name">{envelope.name}</span>
        {row.overspent ? <span className="badge badge-danger">Overspent</span> : null}
        {envelope.archived ? <span className="badge badge-muted">Archived</span> : null}
      </th>
      <td data-label="Plan" className="budget-plan">
        {plan ? (
          <>
            <Amount money={plan.amount} />
            {plan.cadence.description !== cadence ? <span className="muted"> {plan.cadence.description.toLowerCase()}</span> : null}
            <span className="budget-sub">{ROLLOVER_SHORT[plan.rollover]}</span>
          </>
        ) : (
          <span className="muted">No plan</span>
        )}
      </td>
      <td data-label="Planned" className="num"><Amount money={row.planned} /></td>
      <td data-label="Funded" className="num"><Amount money={row.funded} /></td>
      <td data-label="Spent" className="num"><Amount money={row.spent} /></td>
      <td data-label="Balance" className="num">
        <Amount money={row.endBalance} />
        {toMinor(row.swept.amount, currency) !== 0n ? (
          <span className="budget-sub">{formatMoney(row.swept)} sent back</span>
        ) : null}
      </td>
      <td data-label="Needed" className={`num${needs ? " budget-needed" : ""}`}>
        <Amount money={row.needed} />
      </td>
      <td data-label="Goal" className="budget-goal">
        {goal ? (
          <>
            <span>
              {GOAL_KIND_LABEL[goal.goal.kind]} <Amount money={goal.goal.target} />
              {goal.goal.targetDate ? ` by ${formatDate(goal.goal.targetDate)}` : ""}
            </span>
            <span className={`badge goal-badge goal-badge-${goal.status.toLowerCase()}`}>
              {GOAL_STATUS_LABEL[goal.status]} · {goal.percent}%
            </span>
            <ProgressBar
              value={goal.percent}
              label={`${envelope.name}: goal ${goal.percent}% ${GOAL_STATUS_LABEL[goal.status].toLowerCase()}`}
              tone={goal.status === "BEHIND" ? "warn" : "ok"}
            />
            {!isNegative(goal.stillNeeded.amount) && toMinor(goal.stillNeeded.amount, currency) > 0n ? (
              <span className="budget-sub">{formatMoney(goal.stillNeeded)} still to put in this period</span>
            ) : null}
            {goal.projectedDate && goal.status !== "REACHED" ? (
              <span className="budget-sub">At this pace: {formatDate(goal.projectedDate)}</span>
            ) : null}
          </>
        ) : (
          <span className="muted">No goal</span>
        )}
      </td>
      {admin ? (
        <td className="budget-edit">
          {!envelope.archived ? (
            <Button variant="ghost" onClick={onEdit} aria-label={`Plan and goal for ${envelope.name}`}>
              Plan &amp; goal
            </Button>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}
