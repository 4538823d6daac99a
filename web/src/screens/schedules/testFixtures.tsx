// Test helpers for the schedules and paydays screens (imported by tests only).
import { MockedProvider } from "@apollo/client/testing/react";
import type { MockLink } from "@apollo/client/testing";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter, Outlet, Route, Routes } from "react-router";

import { createCache } from "../../apollo/cache";
import type { MemberRole, ScheduleFieldsFragment } from "../../gql/graphql";
import type { AccountOutlet, BoardAccount } from "../account/useAccount";

const money = (amount: string) => ({ __typename: "Money" as const, amount, currency: "EUR" });

function envelope(id: string, name: string, isAvailable = false) {
  return {
    __typename: "Envelope" as const,
    id,
    name,
    balance: money("100.00"),
    archived: false,
    isAvailable,
    deleted: false,
    plan: null,
    goal: null,
  };
}

/** Enough of an account for these screens (the board's other fields are not read). */
export function testAccount(role: MemberRole = "OWNER"): BoardAccount {
  return {
    __typename: "Account",
    id: "acc1",
    name: "Joint",
    currency: "EUR",
    myRole: role,
    closed: false,
    available: envelope("env0", "Available", true),
    envelopes: [envelope("env0", "Available", true), envelope("env1", "Rent"), envelope("env2", "Food")],
  } as unknown as BoardAccount;
}

export const testSchedule: ScheduleFieldsFragment = {
  __typename: "Schedule",
  id: "sch1",
  name: "Rent",
  kind: "EXPENSE",
  mode: "AUTO",
  paused: false,
  amount: money("800.00"),
  allocations: [],
  envelope: { __typename: "Envelope", id: "env1", name: "Rent" },
  splits: null,
  fromEnvelope: null,
  toEnvelope: null,
  toEnvelopeId: null,
  toAccountId: null,
  receivedAmount: null,
  paymentSourceId: null,
  payee: "Landlord",
  memo: null,
  tags: [],
  recurrence: {
    __typename: "RecurrenceRule",
    frequency: "MONTHLY",
    startDate: "2025-01-01",
    interval: 1,
    dayOfMonth: 1,
    daysOfMonth: [],
    endAfter: null,
    endDate: null,
    weekend: "AFTER",
  },
  nextOccurrence: { __typename: "ScheduledOccurrence", scheduledDate: "2099-02-01", date: "2099-02-01", skipped: false },
  postedCount: 1,
  failedCount: 1,
  upcoming: [{ __typename: "ScheduledOccurrence", scheduledDate: "2099-02-01", date: "2099-02-01", skipped: false }],
  occurrences: [
    {
      __typename: "OccurrenceResult",
      scheduledDate: "2025-01-01",
      date: "2025-01-01",
      status: "FAILED",
      transactionIds: [],
      code: "INSUFFICIENT_FUNDS",
      reason: "Rent has only €100.00.",
      recordedAt: "2025-01-01T06:00:00Z",
    },
  ],
};

export const testTemplate = {
  __typename: "PaymentSource" as const,
  id: "ps1",
  name: "Salary",
  payer: "ACME",
  expectedAmount: money("2500.00"),
  allocations: [
    { __typename: "PaymentAllocation" as const, envelope: { __typename: "Envelope" as const, id: "env1", name: "Rent" }, amount: money("800.00") },
  ],
};

/** Renders `ui` as an account screen: inside the account's outlet context, with mocked requests. */
export function renderInAccount(ui: ReactNode, account: BoardAccount, mocks: MockLink.MockedResponse[]) {
  const outlet: AccountOutlet = { account, record: () => undefined };
  return render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <MemoryRouter initialEntries={["/screen"]}>
        <Routes>
          <Route element={<Outlet context={outlet} />}>
            <Route path="/screen" element={ui} />
          </Route>
        </Routes>
      </MemoryRouter>
    </MockedProvider>,
  );
}

/** jsdom has <dialog> without showModal/close: enough of them for the Dialog component. */
export function polyfillDialog(): void {
  const proto = HTMLDialogElement.prototype as HTMLDialogElement & { showModal?: () => void; close?: () => void };
  if (typeof proto.showModal !== "function") {
    proto.showModal = function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    };
  }
  if (typeof proto.close !== "function") {
    proto.close = function (this: HTMLDialogElement) {
      this.removeAttribute("open");
    };
  }
}
