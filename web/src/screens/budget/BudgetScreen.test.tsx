import { MockedProvider } from "@apollo/client/testing/react";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Outlet, Route, Routes } from "react-router";
import { beforeAll, describe, expect, it, vi } from "vitest";

import { createCache } from "../../apollo/cache";
import {
  AccountBudgetDocument,
  FundEnvelopesPreviewWebDocument,
  FundEnvelopesWebDocument,
  SetPlanWebDocument,
  type AccountBoardFieldsFragment,
  type AccountBudgetQuery,
  type FundEnvelopesWebMutation,
  type MemberRole,
} from "../../gql/graphql";
import type { AccountOutlet } from "../account/useAccount";
import BudgetScreen from "./BudgetScreen";

// No canvas in jsdom: the chart is drawn by ECharts in a browser only (the table is what we test).
vi.mock("./MoneyBarChart", () => ({
  default: ({ label }: { label: string }) => <div role="img" aria-label={label} />,
}));

beforeAll(() => {
  // jsdom has <dialog> but not its modal methods.
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    this.removeAttribute("open");
  };
});

const money = (amount: string) => ({ __typename: "Money" as const, amount, currency: "EUR" });
const cadence = { __typename: "Cadence" as const, kind: "MONTHLY" as const, description: "Monthly from the 1st" };
const period = {
  __typename: "Period" as const,
  start: "2025-03-01",
  end: "2025-04-01",
  lastDay: "2025-03-31",
  previousStart: "2025-02-01",
  nextStart: "2025-04-01",
};

function envelope(id: string, name: string, balance: string, extra: Partial<AccountBoardFieldsFragment["envelopes"][number]> = {}) {
  return {
    __typename: "Envelope" as const,
    id,
    name,
    balance: money(balance),
    archived: false,
    isAvailable: false,
    deleted: false,
    plan: null,
    goal: null,
    ...extra,
  };
}

function boardAccount(role: MemberRole, available = "500.00"): AccountBoardFieldsFragment {
  const rent = envelope("env-rent", "Rent", "0.00", {
    plan: { __typename: "Plan", amount: money("600.00"), rollover: "KEEP", since: "2025-01-01", cadence },
  });
  return {
    __typename: "Account",
    id: "acc-1",
    name: "Joint",
    type: "CHECKING",
    institution: null,
    currency: "EUR",
    onBudget: true,
    allowOverdraft: false,
    closed: false,
    closedAt: null,
    myRole: role,
    balance: money("800.00"),
    clearedBalance: money("0.00"),
    available: envelope("env-avail", "Available", available, { isAvailable: true }),
    envelopes: [envelope("env-avail", "Available", available, { isAvailable: true }), rent, envelope("env-food", "Food", "300.00")],
    budgetCadence: cadence,
    budget: {
      __typename: "Budget",
      period,
      available: money(available),
      envelopes: [
        {
          __typename: "EnvelopeBudget",
          envelope: { __typename: "Envelope", id: "env-rent" },
          planned: money("600.00"),
          funded: money("0.00"),
          spent: money("0.00"),
          needed: money("600.00"),
          overspent: false,
          goal: null,
        },
      ],
    },
  };
}

function budgetResult(available = "500.00", rentFunded = "0.00"): AccountBudgetQuery {
  const rentNeeded = rentFunded === "0.00" ? "600.00" : "100.00";
  return {
    __typename: "Query",
    account: {
      __typename: "Account",
      id: "acc-1",
      budget: {
        __typename: "Budget",
        period,
        available: money(available),
        availableAtStart: money("500.00"),
        planned: money("600.00"),
        needed: money(rentNeeded),
        funded: money(rentFunded),
        spent: money("0.00"),
        swept: money("0.00"),
        overspent: [],
        envelopes: [
          {
            __typename: "EnvelopeBudget",
            envelope: { __typename: "Envelope", id: "env-rent", name: "Rent", archived: false, deleted: false },
            plan: { __typename: "Plan", amount: money("600.00"), rollover: "KEEP", since: "2025-01-01", cadence: { __typename: "Cadence", kind: "MONTHLY", description: "Monthly from the 1st" } },
            planned: money("600.00"),
            funded: money(rentFunded),
            spent: money("0.00"),
            swept: money("0.00"),
            startBalance: money("0.00"),
            endBalance: money(rentFunded),
            needed: money(rentNeeded),
            overspent: false,
            goal: null,
          },
          {
            __typename: "EnvelopeBudget",
            envelope: { __typename: "Envelope", id: "env-food", name: "Food", archived: false, deleted: false },
            plan: null,
            planned: money("0.00"),
            funded: money("0.00"),
            spent: money("40.00"),
            swept: money("0.00"),
            startBalance: money("340.00"),
            endBalance: money("300.00"),
            needed: money("0.00"),
            overspent: false,
            goal: null,
          },
        ],
      },
    },
  };
}

function fundResult(dryRun: boolean, account: AccountBoardFieldsFragment | null): FundEnvelopesWebMutation {
  return {
    __typename: "Mutation",
    fundEnvelopes: {
      __typename: "FundEnvelopesPayload",
      dryRun,
      period: { __typename: "Period", start: period.start, lastDay: period.lastDay },
      envelopes: [
        {
          __typename: "FundedEnvelope",
          envelope: { __typename: "Envelope", id: "env-rent", name: "Rent" },
          needed: money("600.00"),
          assigned: money("500.00"),
          shortfall: money("100.00"),
        },
      ],
      assigned: money("500.00"),
      shortfall: money("100.00"),
      transaction: dryRun ? null : { __typename: "Transaction", id: "tx-9" },
      account,
      userErrors: [],
    },
  };
}

/** The dry run's answer: no account, no transaction. */
function dryRunAnswer(result: FundEnvelopesWebMutation) {
  const { account: _account, transaction: _transaction, ...rest } = result.fundEnvelopes;
  return { ...result, fundEnvelopes: rest };
}

function renderScreen(role: MemberRole, mocks: ReadonlyArray<unknown>) {
  const outlet: AccountOutlet = { account: boardAccount(role), record: () => undefined };
  return render(
    <MockedProvider mocks={mocks as never} cache={createCache()}>
      <MemoryRouter initialEntries={["/accounts/acc-1/budget"]}>
        <Routes>
          <Route path="/accounts/:accountId" element={<Outlet context={outlet} />}>
            <Route path="budget" element={<BudgetScreen />} />
          </Route>
        </Routes>
      </MemoryRouter>
    </MockedProvider>,
  );
}

const budgetMock = (result: AccountBudgetQuery, maxUsageCount = 1) => ({
  request: { query: AccountBudgetDocument, variables: { id: "acc-1", period: null } },
  result: { data: result },
  maxUsageCount,
});

describe("BudgetScreen", () => {
  it("shows the period's totals and a row per envelope", async () => {
    renderScreen("VIEWER", [budgetMock(budgetResult())]);
    const table = await screen.findByRole("table");
    expect(within(table).getByRole("rowheader", { name: /Rent/ })).toBeInTheDocument();
    expect(within(table).getByRole("rowheader", { name: /Food/ })).toBeInTheDocument();
    const totals = screen.getByRole("list", { name: /Totals for/ });
    expect(within(totals).getByText("Still needed").nextSibling).toHaveTextContent("€600.00");
    expect(await screen.findByRole("img", { name: /Bar chart of planned, funded and spent money per envelope/ })).toBeInTheDocument();
  });

  it("a viewer sees no fill, plan or settings controls", async () => {
    renderScreen("VIEWER", [budgetMock(budgetResult())]);
    await screen.findByRole("table");
    expect(screen.queryByRole("button", { name: /Fill envelopes/ })).toBeNull();
    expect(screen.queryByRole("button", { name: /Plan and goal/ })).toBeNull();
    expect(screen.queryByRole("button", { name: /Budget periods/ })).toBeNull();
    // Reading is still possible: period navigation.
    expect(screen.getByRole("button", { name: "Previous period" })).toBeInTheDocument();
  });

  it("an editor may fill but not edit plans", async () => {
    renderScreen("EDITOR", [budgetMock(budgetResult())]);
    await screen.findByRole("table");
    expect(screen.getByRole("button", { name: "Fill envelopes from plans" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Plan and goal/ })).toBeNull();
    expect(screen.queryByRole("button", { name: /Budget periods/ })).toBeNull();
  });

  it("fills from plans: a dry run preview, then Apply with dryRun false and an idempotency key", async () => {
    const user = userEvent.setup();
    const sent: { dryRun: boolean; idempotencyKey?: string | null; period?: string | null }[] = [];
    const after = boardAccount("EDITOR", "0.00");
    const mocks = [
      budgetMock(budgetResult()),
      {
        request: {
          query: FundEnvelopesPreviewWebDocument,
          variables: (v: { input: { dryRun: boolean } }) => {
            if (!v.input.dryRun) return false;
            sent.push(v.input);
            return true;
          },
        },
        result: { data: dryRunAnswer(fundResult(true, null)) },
        maxUsageCount: 5,
      },
      {
        request: {
          query: FundEnvelopesWebDocument,
          variables: (v: { input: { dryRun: boolean } }) => {
            if (v.input.dryRun) return false;
            sent.push(v.input);
            return true;
          },
        },
        result: { data: fundResult(false, after) },
      },
      budgetMock(budgetResult("0.00", "500.00"), 5),
    ];
    renderScreen("EDITOR", mocks);
    await screen.findByRole("table");
    await user.click(screen.getByRole("button", { name: "Fill envelopes from plans" }));

    const preview = await screen.findByRole("table", { name: "What each envelope would get" });
    const rent = within(preview).getByRole("row", { name: /Rent/ });
    expect(rent).toHaveTextContent("€600.00");
    expect(rent).toHaveTextContent("€500.00");
    expect(rent).toHaveTextContent("€100.00");
    expect(screen.getByText(/short of what the plans need/)).toHaveTextContent("€100.00");
    expect(sent[0]).toMatchObject({ dryRun: true });

    await user.click(screen.getByRole("button", { name: "Apply: move €500.00" }));
    expect(await screen.findByText("Moved €500.00 from Ready to assign into 1 envelope. €100.00 is still missing.")).toBeInTheDocument();
    const applied = sent.find((input) => !input.dryRun);
    expect(applied).toBeDefined();
    expect(applied?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(applied?.period ?? null).toBeNull();
    // The period's figures come back fresh: Rent funded.
    await waitFor(() => {
      const row = within(screen.getByRole("table")).getByRole("row", { name: /Rent/ });
      expect(within(row).getAllByText("€500.00").length).toBeGreaterThan(0);
    });
  });

  it("shows a server userError of setPlan next to the amount field", async () => {
    const user = userEvent.setup();
    const mocks = [
      budgetMock(budgetResult(), 5),
      {
        request: { query: SetPlanWebDocument, variables: () => true },
        result: {
          data: {
            setPlan: {
              __typename: "EnvelopePayload",
              envelope: null,
              account: null,
              userErrors: [{ __typename: "UserError", field: ["input", "amount"], message: "That plan is too large for this envelope.", code: "VALIDATION" }],
            },
          },
        },
      },
    ];
    renderScreen("ADMIN", mocks);
    await screen.findByRole("table");
    await user.click(screen.getByRole("button", { name: "Plan and goal for Rent" }));
    const dialog = await screen.findByRole("dialog", { name: "Plan and goal: Rent" });
    const amount = within(dialog).getByLabelText("Amount per period (EUR)");
    expect(amount).toHaveValue("600.00");
    await user.clear(amount);
    await user.type(amount, "900");
    await user.click(within(dialog).getByRole("button", { name: "Save plan" }));
    const error = await within(dialog).findByText("That plan is too large for this envelope.");
    expect(amount).toHaveAttribute("aria-invalid", "true");
    expect(amount.getAttribute("aria-describedby")).toBe(error.id);
    // The goal part explains its kinds in plain words.
    expect(within(dialog).getByText(/Keep at least the target in the envelope/)).toBeInTheDocument();
  });
});
