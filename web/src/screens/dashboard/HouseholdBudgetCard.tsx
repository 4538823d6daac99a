import { useQuery } from "@apollo/client/react";
import { useMemo } from "react";
import { Link } from "react-router";

import { HouseholdBudgetDocument, type HouseholdBudgetQuery } from "../../gql/graphql";
import { formatMoney, toMinor } from "../../lib/money";
import { Amount, Empty, Loading, Problem } from "../../ui/kit";
import "../budget/budget.css";
import "./dashboard.css";
import { LazyMoneyBarChart } from "../budget/LazyMoneyBarChart";
import { CHART_COLORS, periodLabel } from "../budget/words";

type CurrencyBudget = HouseholdBudgetQuery["householdBudget"][number];

/**
 * The household's budget this period, per currency: ready to assign, planned, still needed,
 * overspent envelopes, and a small chart per account. Loaded lazily (it carries the chart library).
 */
export default function HouseholdBudgetCard() {
  const { data, loading, error, refetch } = useQuery(HouseholdBudgetDocument, { variables: { date: null } });
  const currencies = data?.householdBudget ?? [];
  return (
    <section className="card household" aria-labelledby="household-title">
      <header className="card-header">
        <h2 id="household-title">Household budget this period</h2>
      </header>
      {loading && !data ? <Loading label="Loading the household budget…" /> : null}
      {error && !data ? <Problem error={error} onRetry={() => void refetch()} /> : null}
      {data && currencies.length === 0 ? (
        <Empty title="No budgets yet.">
          <p>Open an account and give its envelopes a plan on its Budget tab.</p>
        </Empty>
      ) : null}
      {currencies.map((cb) => (
        <CurrencyBlock key={cb.currency} budget={cb} several={currencies.length > 1} />
      ))}
    </section>
  );
}

function CurrencyBlock({ budget, several }: { budget: CurrencyBudget; several: boolean }) {
  const currency = budget.currency;
  const { categories, series } = useMemo(
    () => ({
      categories: budget.accounts.map((a) => a.account.name),
      series: [
        { name: "Planned", color: CHART_COLORS.planned, values: budget.accounts.map((a) => a.budget.planned) },
        { name: "Funded", color: CHART_COLORS.funded, values: budget.accounts.map((a) => a.budget.funded) },
        { name: "Spent", color: CHART_COLORS.spent, values: budget.accounts.map((a) => a.budget.spent) },
      ],
    }),
    [budget.accounts],
  );
  const anyPlan = budget.accounts.some((a) => [a.budget.planned, a.budget.funded, a.budget.spent].some((m) => toMinor(m.amount, currency) !== 0n));
  const summary =
    `Bar chart of planned, funded and spent money per account in ${currency} this period: ` +
    budget.accounts
      .map((a) => `${a.account.name} ${formatMoney(a.budget.planned)} planned, ${formatMoney(a.budget.funded)} funded, ${formatMoney(a.budget.spent)} spent`)
      .join("; ") +
    ".";
  return (
    <div className="household-currency">
      {several ? <h3 className="budget-section-title">In {currency}</h3> : null}
      <ul className="budget-totals" aria-label={`Household totals in ${currency}`}>
        <li className="budget-total budget-total-strong">
          <span className="budget-total-label">Ready to assign</span>
          <Amount money={budget.available} className="budget-total-value" />
        </li>
        <li className="budget-total">
          <span className="budget-total-label">Planned</span>
          <Amount money={budget.planned} className="budget-total-value" />
        </li>
        <li className={`budget-total${toMinor(budget.needed.amount, currency) > 0n ? " budget-total-warn" : ""}`}>
          <span className="budget-total-label">Still needed</span>
          <Amount money={budget.needed} className="budget-total-value" />
        </li>
        <li className={`budget-total${budget.overspentEnvelopes ? " budget-total-danger" : ""}`}>
          <span className="budget-total-label">Overspent envelopes</span>
          <span className="budget-total-value">{budget.overspentEnvelopes}</span>
        </li>
      </ul>
      {anyPlan ? <LazyMoneyBarChart categories={categories} series={series} currency={currency} label={summary} /> : null}
      <ul className="household-accounts">
        {budget.accounts.map((a) => (
          <li key={a.account.id}>
            <Link to={`/accounts/${encodeURIComponent(a.account.id)}/budget`}>{a.account.name}</Link>
            <span className="muted"> · {periodLabel(a.budget.period.start, a.budget.period.lastDay)}</span>
            <span className="household-needed">
              {toMinor(a.budget.needed.amount, currency) > 0n ? `${formatMoney(a.budget.needed)} still needed` : "Fully funded"}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
