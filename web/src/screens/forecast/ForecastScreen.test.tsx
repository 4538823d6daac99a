import { MockedProvider } from "@apollo/client/testing/react";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter, Outlet, Route, Routes } from "react-router";
import { describe, expect, it, vi } from "vitest";

import { createCache } from "../../apollo/cache";
import { AccountForecastScreenDocument, type AccountForecastScreenQuery } from "../../gql/graphql";
import type { AccountOutlet } from "../account/useAccount";
import ForecastScreen from "./ForecastScreen";

// No canvas in jsdom: the charts are drawn by ECharts in a browser only (the figures are tested).
vi.mock("./BandChart", () => ({
  default: ({ label }: { label: string }) => <div role="img" aria-label={label} />,
}));

const money = (amount: string) => ({ __typename: "Money" as const, amount, currency: "EUR" });
const months = ["2026-11-01", "2026-12-01", "2027-01-01", "2027-02-01", "2027-03-01", "2027-04-01"];
const point = (month: string, expected: string, low = expected, high = expected) => ({
  __typename: "SpendingForecastPoint" as const,
  month,
  expected: money(expected),
  low: money(low),
  high: money(high),
});
const day = (date: string, balance: string, low = balance, high = balance) => ({
  __typename: "ProjectedBalance" as const,
  date,
  balance: money(balance),
  low: money(low),
  high: money(high),
});

type Row = NonNullable<AccountForecastScreenQuery["account"]>["envelopes"][number];

function envelope(id: string, name: string, forecast: Row["forecast"], isAvailable = false): Row {
  return { __typename: "Envelope", id, name, isAvailable, forecast };
}

const result: AccountForecastScreenQuery = {
  __typename: "Query",
  account: {
    __typename: "Account",
    id: "acc-1",
    currency: "EUR",
    balance: money("500.00"),
    projection: {
      __typename: "BalanceProjection",
      points: [day("2026-11-15", "500.00"), day("2026-11-16", "420.00", "-30.00", "460.00")],
      lowest: { __typename: "ProjectedBalance", date: "2026-11-16", balance: money("420.00"), low: money("-30.00") },
      scheduled: [{ __typename: "ProjectedOccurrence", date: "2026-11-16", name: "Rent", amount: money("-50.00") }],
    },
    envelopes: [
      envelope("env-avail", "Available", { __typename: "EnvelopeForecast", method: "LAST_VALUE", reason: null, points: months.map((m) => point(m, "0.00")), backtest: null }, true),
      envelope("env-food", "Groceries", {
        __typename: "EnvelopeForecast",
        method: "HOLT_WINTERS",
        reason: null,
        points: months.map((m) => point(m, "410.00", "380.00", "455.50")),
        backtest: { __typename: "ForecastBacktest", method: "HOLT_WINTERS", origins: 12, mae: money("12.40"), mase: 0.7149, scaledBy: "SEASONAL_NAIVE" },
      }),
      envelope("env-gym", "Gym", {
        __typename: "EnvelopeForecast",
        method: "INSUFFICIENT_HISTORY",
        reason: "Only 2 of the 6 months of history needed to learn from: using the plan.",
        points: months.map((m) => point(m, "45.00")),
        backtest: null,
      }),
    ],
  },
};

function renderScreen() {
  const outlet = { account: { id: "acc-1" }, record: () => undefined } as unknown as AccountOutlet;
  const mocks = [{ request: { query: AccountForecastScreenDocument, variables: { id: "acc-1", months: 6, days: 90 } }, result: { data: result } }];
  return render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <MemoryRouter initialEntries={["/accounts/acc-1/forecast"]}>
        <Routes>
          <Route path="/accounts/:accountId" element={<Outlet context={outlet} />}>
            <Route path="forecast" element={<ForecastScreen />} />
          </Route>
        </Routes>
      </MemoryRouter>
    </MockedProvider>,
  );
}

describe("ForecastScreen", () => {
  it("shows the projection, each envelope's method and stated error, and the honest fallback", async () => {
    renderScreen();
    const table = await screen.findByRole("table", { name: "Expected spending per envelope and month, with its band" });
    const groceries = within(table).getByRole("row", { name: /^Groceries/ });
    expect(within(groceries).getByText("Seasonal pattern")).toBeTruthy();
    expect(within(groceries).getByText(/^±€12\.40 typical error, MASE 0\.71$/)).toBeTruthy();
    expect(within(groceries).getAllByText(/€380\.00–€455\.50/)).toHaveLength(6);
    const gym = within(table).getByRole("row", { name: /^Gym/ });
    expect(within(gym).getByText("Not enough history yet — using your plan")).toBeTruthy();
    // Available spends nothing: left out.
    expect(within(table).queryByRole("row", { name: /^Available/ })).toBeNull();
    // The lowest point's low end is below zero: said so.
    expect(screen.getByRole("alert").textContent).toMatch(/may go below zero/);
    // The chart arrives lazily (its own chunk) after the figures.
    expect(await screen.findByRole("img", { name: /^Projected balance over the next 90 days/ })).toBeTruthy();
    expect(screen.getByText("1 scheduled transaction included")).toBeTruthy();
  });
});
