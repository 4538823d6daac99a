import { MockedProvider } from "@apollo/client/testing/react";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { describe, expect, it, vi } from "vitest";

import { createCache } from "../../apollo/cache";
import { HouseholdBudgetDocument, type HouseholdBudgetQuery } from "../../gql/graphql";
import HouseholdBudgetCard from "./HouseholdBudgetCard";

vi.mock("../budget/MoneyBarChart", () => ({
  default: ({ label }: { label: string }) => <div role="img" aria-label={label} />,
}));

const money = (amount: string) => ({ __typename: "Money" as const, amount, currency: "EUR" });
const budget = (planned: string, funded: string, spent: string, needed: string) => ({
  __typename: "Budget" as const,
  period: { __typename: "Period" as const, start: "2025-03-01", lastDay: "2025-03-31" },
  available: money("10.00"),
  planned: money(planned),
  funded: money(funded),
  spent: money(spent),
  needed: money(needed),
});

const result: HouseholdBudgetQuery = {
  __typename: "Query",
  householdBudget: [
    {
      __typename: "CurrencyBudget",
      currency: "EUR",
      available: money("20.00"),
      planned: money("700.00"),
      needed: money("150.00"),
      overspentEnvelopes: 1,
      accounts: [
        { __typename: "AccountBudgetView", account: { __typename: "Account", id: "a1", name: "Joint" }, budget: budget("600.00", "450.00", "100.00", "150.00") },
        { __typename: "AccountBudgetView", account: { __typename: "Account", id: "a2", name: "Savings" }, budget: budget("100.00", "100.00", "0.00", "0.00") },
      ],
    },
  ],
};

describe("HouseholdBudgetCard", () => {
  it("shows the household's figures per currency, a chart and a link per account's budget", async () => {
    render(
      <MockedProvider mocks={[{ request: { query: HouseholdBudgetDocument, variables: { date: null } }, result: { data: result } }]} cache={createCache()}>
        <MemoryRouter>
          <HouseholdBudgetCard />
        </MemoryRouter>
      </MockedProvider>,
    );
    const totals = await screen.findByRole("list", { name: "Household totals in EUR" });
    expect(within(totals).getByText("Still needed").nextSibling).toHaveTextContent("€150.00");
    expect(within(totals).getByText("Overspent envelopes").nextSibling).toHaveTextContent("1");
    expect(screen.getByRole("link", { name: "Joint" })).toHaveAttribute("href", "/accounts/a1/budget");
    expect(screen.getByText("€150.00 still needed")).toBeInTheDocument();
    expect(screen.getByText("Fully funded")).toBeInTheDocument();
    expect(await screen.findByRole("img", { name: /Joint €600.00 planned, €450.00 funded, €100.00 spent/ })).toBeInTheDocument();
  });
});
