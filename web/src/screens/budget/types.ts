import type { AccountBudgetQuery } from "../../gql/graphql";

/** The budget of one period as the budget screen shows it, and one envelope's row of it. */
export type ShownBudget = NonNullable<AccountBudgetQuery["account"]>["budget"];
export type EnvelopeRow = ShownBudget["envelopes"][number];
