import { MockedProvider } from "@apollo/client/testing/react";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { describe, expect, it, vi } from "vitest";

import { createCache } from "../../apollo/cache";
import { DashboardWebDocument, ExchangeRatesWebDocument, type DashboardWebQuery } from "../../gql/graphql";
import DashboardScreen from "./DashboardScreen";
import { firstDay, lastMonths } from "./plot";

vi.mock("./MonthChart", () => ({ default: ({ label }: { label: string }) => <div role="img" aria-label={label} /> }));
vi.mock("../budget/MoneyBarChart", () => ({ default: ({ label }: { label: string }) => <div role="img" aria-label={label} /> }));

const eur = (amount: string) => ({ __typename: "Money" as const, amount, currency: "EUR" });
const range = lastMonths(new Date(), 12);
const [first, last] = [firstDay(range.from), firstDay(range.to)];
const account = (id: string, name: string, currency = "EUR") => ({ __typename: "Account" as const, id, name, currency });
const envelope = (id: string, name: string) => ({ __typename: "Envelope" as const, id, name });

const board: DashboardWebQuery = {
  __typename: "Query",
  dashboard: {
    __typename: "Dashboard",
    baseCurrency: "EUR",
    from: first,
    to: last,
    accounts: [
      { __typename: "DashboardAccount", account: account("a1", "Home"), balance: eur("100.00"), converted: eur("100.00"), missing: [] },
      { __typename: "DashboardAccount", account: account("a2", "Tokyo", "JPY"), balance: { __typename: "Money", amount: "5000", currency: "JPY" }, converted: null, missing: ["JPY"] },
    ],
    netWorth: [
      { __typename: "NetWorthPoint", month: first, total: eur("90.00"), missing: [] },
      { __typename: "NetWorthPoint", month: last, total: null, missing: ["JPY"] },
    ],
    incomeVsExpense: [
      { __typename: "IncomeExpensePoint", month: first, income: eur("300.00"), expense: eur("210.00"), missing: [] },
      { __typename: "IncomeExpensePoint", month: last, income: null, expense: eur("12.50"), missing: ["JPY"] },
    ],
    spendingByEnvelope: [
      { __typename: "EnvelopeSpending", account: account("a1", "Home"), envelope: envelope("e1", "Food"), spent: eur("222.50"), converted: eur("222.50"), missing: [] },
    ],
    spendingByPayee: [{ __typename: "PayeeSpending", payee: "Lidl", spent: eur("222.50"), missing: [] }],
    planVsActual: [
      { __typename: "PlanVsActual", account: account("a1", "Home"), envelope: envelope("e1", "Food"), planned: eur("200.00"), actual: eur("12.50"), remaining: eur("187.50") },
    ],
    largestChanges: [],
  },
};

const mocks = [
  { request: { query: DashboardWebDocument, variables: { from: first, to: last, periodFrom: null, periodTo: null, planMonth: last } }, result: { data: board } },
  { request: { query: ExchangeRatesWebDocument }, result: { data: { __typename: "Query", baseCurrency: "EUR", exchangeRates: [] } } },
];

describe("DashboardScreen", () => {
  it("names the missing rate and shows missing figures as missing, not as numbers", async () => {
    render(
      <MockedProvider mocks={mocks} cache={createCache()}>
        <MemoryRouter>
          <DashboardScreen />
        </MemoryRouter>
      </MockedProvider>,
    );
    expect(await screen.findByText(/JPY to EUR/)).toBeInTheDocument();
    const table = screen.getByRole("region", { name: "Month by month" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(3);
    expect(rows[2]).toHaveTextContent(/missing \(JPY\).*missing \(JPY\).*12\.50/);
    expect(screen.getByRole("list", { name: "Spending by envelope" })).toHaveTextContent(/Food · Home.*222\.50/);
    expect(await screen.findByRole("img", { name: /Net worth at each month.s end, in EUR/ })).toBeInTheDocument();
    expect(await screen.findByText("No exchange rates yet.")).toBeInTheDocument();
  });

  it("groups spending by payee on request", async () => {
    render(
      <MockedProvider mocks={mocks} cache={createCache()}>
        <MemoryRouter>
          <DashboardScreen />
        </MemoryRouter>
      </MockedProvider>,
    );
    await userEvent.click(await screen.findByRole("button", { name: "By payee" }));
    expect(screen.getByRole("list", { name: "Spending by payee" })).toHaveTextContent(/Lidl.*222\.50/);
  });
});
