import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { boardAccount, mockClient, renderScreen, type Call } from "../history/testing";
import { ReconcileScreen } from "./ReconcileScreen";

const EUR = (amount: string) => ({ __typename: "Money", amount, currency: "EUR" });

function info(withLast: boolean) {
  return {
    __typename: "Account",
    id: "A1",
    currency: "EUR",
    closed: false,
    myRole: "OWNER",
    balance: EUR("500.00"),
    clearedBalance: EUR("300.00"),
    reconciledBalance: EUR("250.00"),
    reconciledThrough: withLast ? "2025-02-28" : null,
    lastReconciliation: withLast
      ? {
          __typename: "Reconciliation",
          statementDate: "2025-02-28",
          statementBalance: EUR("250.00"),
          entryCount: 7,
          reconciledAt: "2025-03-01T09:00:00Z",
          reconciledBy: { __typename: "Profile", id: "U1", displayName: "Ada Lovelace", avatarColor: "#884488" },
          adjustment: null,
        }
      : null,
    uncleared: { __typename: "Totals", count: 4, net: EUR("200.00") },
  };
}

function answer(call: Call) {
  if (call.operationName === "ReconcileInfo") return { account: info(true) };
  if (call.operationName === "ReconcileAccountWeb") {
    const input = call.variables["input"] as { adjust: boolean };
    if (!input.adjust) {
      return {
        reconcileAccount: {
          __typename: "ReconcileAccountPayload",
          account: null,
          adjustment: null,
          difference: EUR("12.50"),
          userErrors: [{ __typename: "UserError", field: ["input", "statementBalance"], message: "The cleared balance is 300.00 EUR but the statement says 312.50 EUR", code: "BALANCE_MISMATCH" }],
        },
      };
    }
    return {
      reconcileAccount: {
        __typename: "ReconcileAccountPayload",
        account: null,
        adjustment: { __typename: "Transaction", id: "T99", sequence: 99, amount: EUR("12.50") },
        difference: null,
        userErrors: [],
      },
    };
  }
  throw new Error(`unexpected ${call.operationName}`);
}

describe("ReconcileScreen", () => {
  it("shows the figures and the last reconciliation", async () => {
    const { client } = mockClient(answer);
    renderScreen(<ReconcileScreen />, { client, account: boardAccount("OWNER"), path: "/accounts/A1/reconcile" });
    expect(await screen.findByText("Cleared balance")).toBeInTheDocument();
    expect(screen.getByText("€300.00")).toBeInTheDocument();
    expect(screen.getByText(/Through/)).toHaveTextContent("2025");
    const last = screen.getByRole("region", { name: "Last reconciliation" });
    expect(last).toHaveTextContent("Ada Lovelace");
    expect(last).toHaveTextContent("7");
    expect(screen.getByRole("link", { name: "Clear entries in the history" })).toHaveAttribute("href", "/accounts/A1/history?cleared=UNCLEARED");
  });

  it("explains a mismatch and reconciles with an adjustment on request", async () => {
    const { client, calls } = mockClient(answer);
    renderScreen(<ReconcileScreen />, { client, account: boardAccount("EDITOR"), path: "/accounts/A1/reconcile" });
    await userEvent.clear(await screen.findByLabelText("Statement date"));
    await userEvent.type(screen.getByLabelText("Statement date"), "2025-03-31");
    await userEvent.type(screen.getByLabelText("Statement balance (EUR)"), "312,50");
    await userEvent.click(screen.getByRole("button", { name: "Reconcile" }));

    const panel = await screen.findByRole("alert", { name: "The statement does not match" });
    expect(panel).toHaveTextContent("+€12.50");
    expect(panel).toHaveTextContent("€300.00");
    expect(within(panel).getByRole("link", { name: "Clear entries in the history" })).toHaveAttribute("href", "/accounts/A1/history?cleared=UNCLEARED");
    const first = calls.find((c) => c.operationName === "ReconcileAccountWeb")!;
    expect(first.variables["input"]).toMatchObject({ accountId: "A1", statementDate: "2025-03-31", statementBalance: "312.50", adjust: false });

    await userEvent.click(within(panel).getByRole("button", { name: "Record an adjustment of +€12.50 and reconcile" }));
    expect(await screen.findByText(/with an adjustment of \+€12.50/)).toBeInTheDocument();
    const second = calls.filter((c) => c.operationName === "ReconcileAccountWeb").at(-1)!;
    expect(second.variables["input"]).toMatchObject({ statementDate: "2025-03-31", statementBalance: "312.50", adjust: true });
    await waitFor(() => expect(screen.queryByRole("alert", { name: "The statement does not match" })).toBeNull());
  });

  it("shows a viewer the figures only", async () => {
    const { client } = mockClient(answer);
    renderScreen(<ReconcileScreen />, { client, account: boardAccount("VIEWER"), path: "/accounts/A1/reconcile" });
    expect(await screen.findByText("Cleared balance")).toBeInTheDocument();
    expect(screen.queryByRole("button")).toBeNull();
    expect(screen.queryByRole("textbox")).toBeNull();
    expect(screen.getByRole("link", { name: "See them in the history" })).toBeInTheDocument();
  });
});
