import { MockedProvider } from "@apollo/client/testing/react";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { createCache } from "../../apollo/cache";
import { PlanningModelWebDocument, type PlanningModelWebQuery } from "../../gql/graphql";
import { PlanningPanel } from "./PlanningPanel";

vi.mock("./SankeyChart", () => ({
  default: ({ label }: { label: string }) => <div role="img" aria-label={label} />,
}));

const money = (amount: string) => ({ __typename: "Money" as const, amount, currency: "EUR" });
const node = (id: string, kind: "INCOME" | "ACCOUNT" | "SAVINGS", label: string, more: object = {}) => ({
  __typename: "PlanningNode" as const,
  id,
  kind,
  label,
  institution: null,
  amount: null,
  balance: null,
  apy: null,
  metadata: [],
  ...more,
});

function model(canEdit: boolean): PlanningModelWebQuery {
  return {
    __typename: "Query",
    planningModel: {
      __typename: "PlanningModel",
      currency: "EUR",
      canEdit,
      nodes: [
        node("n1", "INCOME", "Salary", { amount: money("3000.00") }),
        node("n2", "ACCOUNT", "Checking", { institution: "Bank", balance: money("-12.50") }),
        node("n3", "SAVINGS", "Rainy day", { apy: "4.25" }),
      ],
      flows: [
        { __typename: "PlanningFlow", id: "f1", fromId: "n1", toId: "n2", amount: money("3000.00"), label: "Pay" },
        { __typename: "PlanningFlow", id: "f2", fromId: "n2", toId: "n3", amount: money("250.00"), label: null },
      ],
      sankey: {
        __typename: "Sankey",
        nodes: [
          { __typename: "SankeyNode", id: "n1", label: "Salary", kind: "INCOME" },
          { __typename: "SankeyNode", id: "n2", label: "Checking", kind: "ACCOUNT" },
          { __typename: "SankeyNode", id: "n3", label: "Rainy day", kind: "SAVINGS" },
        ],
        links: [
          { __typename: "SankeyLink", source: 0, target: 1, value: money("3000.00") },
          { __typename: "SankeyLink", source: 1, target: 2, value: money("250.00") },
        ],
      },
    },
  };
}

function show(canEdit: boolean) {
  render(
    <MockedProvider mocks={[{ request: { query: PlanningModelWebDocument, variables: {} }, result: { data: model(canEdit) } }]} cache={createCache()}>
      <PlanningPanel period={{ from: "2026-03-01", to: "2026-03-31" }} currency="EUR" />
    </MockedProvider>,
  );
}

describe("PlanningPanel", () => {
  it("lists the nodes and the flows between them by name, with their exact amounts", async () => {
    show(true);
    const nodes = await screen.findByRole("list", { name: "Nodes" });
    expect(within(nodes).getByText("Salary").closest("li")).toHaveTextContent("€3,000.00");
    expect(within(nodes).getByText("Checking").closest("li")).toHaveTextContent("balance -€12.50");
    expect(within(nodes).getByText("4.25 % APY")).toBeInTheDocument();
    const flows = screen.getByRole("list", { name: "Flows" });
    expect(within(flows).getByText("Salary → Checking").closest("li")).toHaveTextContent("Pay€3,000.00");
    expect(within(flows).getByText("Checking → Rainy day")).toBeInTheDocument();
    expect(await screen.findByRole("img", { name: "Your planned cash flow" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Delete Checking" })).toBeInTheDocument();
  });

  it("offers no changes to a viewer", async () => {
    show(false);
    await screen.findByRole("list", { name: "Nodes" });
    expect(screen.queryByRole("button", { name: "+ Node" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /^Edit / })).not.toBeInTheDocument();
  });
});
