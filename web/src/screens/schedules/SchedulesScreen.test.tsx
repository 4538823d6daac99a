import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import {
  AccountComingUpDocument,
  AccountSchedulesWebDocument,
  CreateScheduleWebDocument,
  RecordChoicesDocument,
} from "../../gql/graphql";
import { ScheduleForm } from "./ScheduleForm";
import { SchedulesScreen } from "./SchedulesScreen";
import { renderInAccount, testAccount, testSchedule } from "./testFixtures";

const listMocks = () => [
  {
    request: { query: AccountSchedulesWebDocument, variables: { id: "acc1" } },
    result: { data: { account: { __typename: "Account", id: "acc1", schedules: [testSchedule] } } },
  },
  {
    request: { query: AccountComingUpDocument, variables: { id: "acc1" } },
    result: {
      data: {
        account: {
          __typename: "Account",
          id: "acc1",
          upcoming: [
            {
              __typename: "AccountOccurrence",
              schedule: { __typename: "Schedule", id: "sch1", name: "Rent", kind: "EXPENSE", amount: testSchedule.amount, paymentSourceId: null },
              scheduledDate: "2099-02-01",
              date: "2099-02-01",
              skipped: false,
            },
          ],
        },
      },
    },
  },
  {
    request: { query: RecordChoicesDocument, variables: { id: "acc1" } },
    result: { data: { accounts: [], account: { __typename: "Account", id: "acc1", paymentSources: [] } } },
  },
];

describe("SchedulesScreen", () => {
  it("shows a viewer the lists, in plain words, without any write control", async () => {
    renderInAccount(<SchedulesScreen />, testAccount("VIEWER"), listMocks());
    const list = await screen.findByRole("list", { name: "Schedules" });
    const card = within(list).getByRole("listitem");
    expect(within(card).getByText("Monthly on the 1st; a weekend date moves to the Monday after")).toBeInTheDocument();
    expect(within(card).getByText("Posts automatically")).toBeInTheDocument();
    expect(within(card).getByText("From Rent · to Landlord")).toBeInTheDocument();
    expect(await screen.findByRole("list", { name: "Coming up in the next 30 days" })).toBeInTheDocument();

    // Details (reading) open for a viewer too, showing the failure's reason.
    await userEvent.click(within(card).getByRole("button", { name: "Details" }));
    expect(within(card).getByText("Rent has only €100.00.")).toBeInTheDocument();

    for (const name of [/new schedule/i, /post now/i, /skip/i, /pause/i, /resume/i, /edit/i, /delete/i]) {
      expect(screen.queryByRole("button", { name })).not.toBeInTheDocument();
    }
  });

  it("gives an editor the schedule's actions", async () => {
    renderInAccount(<SchedulesScreen />, testAccount("EDITOR"), listMocks());
    const list = await screen.findByRole("list", { name: "Schedules" });
    for (const name of ["Post now: Rent", "Skip next: Rent", "Pause Rent", "Edit Rent", "Delete Rent"]) {
      expect(within(list).getByRole("button", { name })).toBeInTheDocument();
    }
    expect(screen.getByRole("button", { name: "New schedule" })).toBeInTheDocument();
  });
});

describe("ScheduleForm", () => {
  it("shows a server userError next to the field it names", async () => {
    const mocks = [
      {
        request: { query: CreateScheduleWebDocument, variables: () => true },
        result: {
          data: {
            createSchedule: {
              __typename: "SchedulePayload",
              schedule: null,
              userErrors: [
                { __typename: "UserError", field: ["input", "recurrence", "startDate"], message: "The start date must be after 1900.", code: "VALIDATION" },
                { __typename: "UserError", field: ["input", "amount"], message: "At most 9,999,999,999,999.99.", code: "VALIDATION" },
                { __typename: "UserError", field: ["input", "accountId"], message: "An account has at most 200 schedules.", code: "VALIDATION" },
              ],
            },
          },
        },
      },
    ];
    const onDone = vi.fn();
    renderInAccount(<ScheduleForm account={testAccount("EDITOR")} schedule={null} choices={undefined} onDone={onDone} onCancel={() => undefined} />, testAccount("EDITOR"), mocks);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Name"), "Rent");
    await user.type(screen.getByLabelText("Amount (EUR)"), "800");
    await user.click(screen.getByRole("button", { name: "Create schedule" }));

    const start = screen.getByLabelText("Starts on");
    expect(await screen.findByText("The start date must be after 1900.")).toBeInTheDocument();
    expect(start).toHaveAttribute("aria-invalid", "true");
    expect(start).toHaveAccessibleDescription("The start date must be after 1900.");
    expect(screen.getByLabelText("Amount (EUR)")).toHaveAccessibleDescription("At most 9,999,999,999,999.99.");
    // A field the form does not show: the form-level message.
    expect(screen.getByText("An account has at most 200 schedules.")).toBeInTheDocument();
    expect(onDone).not.toHaveBeenCalled();
  });

  it("refuses locally what it can check before sending", async () => {
    renderInAccount(<ScheduleForm account={testAccount()} schedule={null} choices={undefined} onDone={() => undefined} onCancel={() => undefined} />, testAccount(), []);
    await userEvent.click(screen.getByRole("button", { name: "Create schedule" }));
    expect(screen.getByLabelText("Name")).toHaveAccessibleDescription("Give the schedule a name.");
    expect(screen.getByLabelText("Amount (EUR)")).toHaveAccessibleDescription("Enter an amount.");
  });
});
