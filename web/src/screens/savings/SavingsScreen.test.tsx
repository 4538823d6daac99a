import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { boardAccount, mockClient, renderScreen, type Call } from "../history/testing";
import { SavingsScreen } from "./SavingsScreen";

const EUR = (amount: string) => ({ __typename: "Money", amount, currency: "EUR" });

const none = {
  payee: null, interval: null, nextExpected: null, latestAmount: null, previousAmount: null,
  envelope: null, usual: null, spent: null, month: null, since: null, monthsSooner: null,
};

const netflix = {
  __typename: "SavingsOpportunity",
  ...none,
  key: "recurring_charge:netflix com:monthly:1599",
  kind: "RECURRING_CHARGE",
  title: "NETFLIX.COM: monthly charge",
  explanation: "3 charges of about 15.99 EUR every month. The price rose from 13.99 EUR.",
  amountAtStake: EUR("191.88"),
  basedOnCount: 3,
  basedOn: ["2025-03-03", "2025-02-03", "2025-01-03"].map((day, i) => ({
    __typename: "Transaction", id: `T${i}`, bookingDate: day, payee: "NETFLIX.COM", memo: null, amount: EUR(i === 2 ? "-13.99" : "-15.99"),
  })),
  payee: "NETFLIX.COM",
  interval: "MONTHLY",
  nextExpected: "2025-04-03",
  latestAmount: EUR("15.99"),
  previousAmount: EUR("13.99"),
};

const idle = {
  __typename: "SavingsOpportunity",
  ...none,
  key: "idle_money:1700000",
  kind: "IDLE_MONEY",
  title: "Money idle in Ready to assign",
  explanation: "Ready to assign (Available) has held at least 17000.00 EUR since 2025-01-01 (12 weeks).",
  amountAtStake: EUR("17000.00"),
  basedOnCount: 0,
  basedOn: [],
  since: "2025-01-01",
};

function answer(call: Call) {
  if (call.operationName === "SavingsOpportunitiesWeb") {
    return { account: { __typename: "Account", id: "A1", savingsOpportunities: [netflix, idle] } };
  }
  if (call.operationName === "DismissOpportunityWeb") {
    return {
      dismissOpportunity: {
        __typename: "DismissOpportunityPayload",
        account: { __typename: "Account", id: "A1", savingsOpportunities: [idle] },
        userErrors: [],
      },
    };
  }
  throw new Error(`unexpected ${call.operationName}`);
}

describe("SavingsScreen", () => {
  it("groups the opportunities with their amount at stake and shows the entries behind one", async () => {
    const { client } = mockClient(answer);
    renderScreen(<SavingsScreen />, { client, account: boardAccount("VIEWER"), path: "/accounts/A1/savings" });
    const recurring = await screen.findByRole("region", { name: "Recurring charges" });
    const card = within(recurring).getByRole("listitem", { name: "NETFLIX.COM: monthly charge" });
    expect(card).toHaveTextContent("€191.88");
    expect(card).toHaveTextContent("Price changed from €13.99");
    expect(screen.getByRole("region", { name: "Money sitting idle" })).toHaveTextContent("€17,000.00");
    // Viewers read them but do not dismiss them.
    expect(screen.queryByRole("button", { name: "I know, keep it" })).toBeNull();
    await userEvent.click(within(card).getByRole("button", { name: "Show the 3 entries" }));
    const entries = within(card).getByRole("list", { name: "Entries behind NETFLIX.COM: monthly charge" });
    expect(within(entries).getAllByRole("listitem")).toHaveLength(3);
  });

  it("dismisses one for an editor", async () => {
    const { client, calls } = mockClient(answer);
    renderScreen(<SavingsScreen />, { client, account: boardAccount("EDITOR"), path: "/accounts/A1/savings" });
    const card = await screen.findByRole("listitem", { name: "NETFLIX.COM: monthly charge" });
    await userEvent.click(within(card).getByRole("button", { name: "I know, keep it" }));
    expect(await screen.findByText(/dismissed: it stays away until its facts change/)).toBeInTheDocument();
    expect(screen.queryByRole("listitem", { name: "NETFLIX.COM: monthly charge" })).toBeNull();
    const sent = calls.find((c) => c.operationName === "DismissOpportunityWeb");
    expect(sent?.variables["input"]).toEqual({ accountId: "A1", key: netflix.key });
  });

  it("says when there is nothing to save", async () => {
    const { client } = mockClient((call) =>
      call.operationName === "SavingsOpportunitiesWeb" ? { account: { __typename: "Account", id: "A1", savingsOpportunities: [] } } : answer(call),
    );
    renderScreen(<SavingsScreen />, { client, account: boardAccount("OWNER"), path: "/accounts/A1/savings" });
    expect(await screen.findByText("No savings opportunities right now.")).toBeInTheDocument();
  });
});
