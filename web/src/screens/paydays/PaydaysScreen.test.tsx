import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { PaydayTemplatesDocument } from "../../gql/graphql";
import { polyfillDialog, renderInAccount, testAccount, testTemplate } from "../schedules/testFixtures";
import { PaydaysScreen } from "./PaydaysScreen";

polyfillDialog();

const mocks = () => [
  {
    request: { query: PaydayTemplatesDocument, variables: { id: "acc1" } },
    result: { data: { account: { __typename: "Account", id: "acc1", paymentSources: [testTemplate] } } },
  },
];

describe("PaydaysScreen", () => {
  it("shows a viewer the templates without any write control", async () => {
    renderInAccount(<PaydaysScreen />, testAccount("VIEWER"), mocks());
    const list = await screen.findByRole("list", { name: "Payday templates" });
    expect(within(list).getByText("Salary")).toBeInTheDocument();
    expect(within(list).getByText(/Left for Ready to assign/)).toHaveTextContent("1,700.00");
    expect(screen.queryAllByRole("button")).toHaveLength(0);
  });

  it("lets an editor record a payday but not change templates", async () => {
    renderInAccount(<PaydaysScreen />, testAccount("EDITOR"), mocks());
    await screen.findByRole("list", { name: "Payday templates" });
    expect(screen.getByRole("button", { name: "Record payday: Salary" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /edit|delete|new payday template/i })).not.toBeInTheDocument();
  });

  it("shows an admin what is left for Ready to assign while editing the allocations", async () => {
    renderInAccount(<PaydaysScreen />, testAccount("ADMIN"), mocks());
    await userEvent.click(await screen.findByRole("button", { name: "Edit Salary" }));
    const summary = screen.getByTestId("allocation-summary");
    expect(summary).toHaveTextContent("Left for Ready to assign €1,700.00");
    await userEvent.click(screen.getByRole("button", { name: "+ Add an envelope" }));
    await userEvent.type(screen.getByLabelText("Amount 2 (EUR)"), "0,10");
    expect(summary).toHaveTextContent("Allocated €800.10");
    expect(summary).toHaveTextContent("Left for Ready to assign €1,699.90");
  });
});
