import { InMemoryCache, type TypePolicies } from "@apollo/client";
import { relayStylePagination } from "@apollo/client/utilities";

/**
 * Every type that implements `Node` in the SDL, normalised by __typename + id (a unit test
 * checks this list against schema/schema.graphql, so a new Node type cannot be forgotten).
 */
export const NODE_TYPES = [
  "Account",
  "Alert",
  "Envelope",
  "ExchangeRate",
  "ImportJob",
  "LoginSession",
  "PaymentSource",
  "PlanningFlow",
  "PlanningNode",
  "Rule",
  "RestoreJob",
  "Schedule",
  "Transaction",
  "User",
  "Webhook",
  "WebhookDelivery",
] as const;

const nodePolicies: TypePolicies = Object.fromEntries(
  NODE_TYPES.map((typename) => [typename, { keyFields: ["id"] }]),
);

export const typePolicies: TypePolicies = {
  ...nodePolicies,
  // Profiles have ids too (not Nodes): one entry per person, shared by every entry they recorded.
  Profile: { keyFields: ["id"] },
  Account: {
    keyFields: ["id"],
    fields: {
      // History pages merge into one list per filter; infinite scroll asks for `after`.
      transactions: relayStylePagination(["filter"]),
      // Lists of embedded envelopes are replaced wholesale by the latest answer.
      envelopes: { merge: false },
      members: { merge: false },
      paymentSources: { merge: false },
      schedules: { merge: false },
      upcoming: { merge: false },
      savingsOpportunities: { merge: false },
      webhooks: { merge: false },
    },
  },
  User: { keyFields: ["id"], fields: { sessions: relayStylePagination() } },
  // A schedule's next dates shrink after a skip or a posting: the latest answer replaces them.
  Schedule: { keyFields: ["id"], fields: { upcoming: { merge: false }, occurrences: { merge: false } } },
  Query: {
    fields: {
      accounts: { merge: false },
      householdBudget: { merge: false },
      planningModel: { merge: false },
      // The person's alerts page in with "Show older alerts", one list per filter.
      alerts: relayStylePagination(["unreadOnly"]),
      // `account(id)` / `transaction(id)` / `schedule(id)` read straight from the cache when the
      // object is already there (no network round trip when opening something from a list).
      account: { read: (_, { args, toReference }) => toReference({ __typename: "Account", id: args?.id }) },
      transaction: {
        read: (_, { args, toReference }) => toReference({ __typename: "Transaction", id: args?.id }),
      },
      schedule: { read: (_, { args, toReference }) => toReference({ __typename: "Schedule", id: args?.id }) },
    },
  },
  // An import job's dry-run rows page in with "Load more"; its figures are replaced as it polls.
  ImportJob: { keyFields: ["id"], fields: { rows: relayStylePagination(), errors: { merge: false } } },
  // A webhook's delivery log pages in with "Show older"; a delivery's attempts are replaced.
  Webhook: { keyFields: ["id"], fields: { deliveries: relayStylePagination(), events: { merge: false } } },
  WebhookDelivery: { keyFields: ["id"], fields: { attempts: { merge: false } } },
  ImportCounts: { keyFields: false, merge: true },
  CsvMapping: { keyFields: false, merge: true },
  Budget: { keyFields: false },
  EnvelopeBudget: { keyFields: false },
  Money: { keyFields: false },
  // Diagrams: a node's id is its key within one diagram, not an object's (cash flow).
  SankeyNode: { keyFields: false },
  SankeyLink: { keyFields: false },
  CashFlow: { keyFields: false },
  PlanningModel: { keyFields: false, fields: { nodes: { merge: false }, flows: { merge: false } } },
};

export function createCache(): InMemoryCache {
  return new InMemoryCache({ typePolicies, possibleTypes: { Node: [...NODE_TYPES] } });
}
