/**
 * Test helpers for the account's screens (history, reconcile, import): a real ApolloClient with the app's cache
 * (type policies, relayStylePagination) over a mock link that answers by operation name, and the
 * account's outlet context as AccountLayout provides it. UI tests only: no database behaviour.
 */
import { ApolloClient, ApolloLink } from "@apollo/client";
import { ApolloProvider } from "@apollo/client/react";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter, Outlet, Route, Routes } from "react-router";
import { Observable } from "rxjs";

import { createCache } from "../../apollo/cache";
import type { ClearedStatus, MemberRole, TransactionKind } from "../../gql/graphql";
import type { AccountOutlet, BoardAccount } from "../account/useAccount";

export interface Call {
  operationName: string;
  variables: Record<string, unknown>;
}

export type Responder = (call: Call) => unknown;

const STREAM = Symbol("stream");

/** An answer of several results in turn (a subscription's events), then complete. */
export function stream(...results: unknown[]): unknown {
  return { [STREAM]: results };
}

function resultsOf(answer: unknown): unknown[] {
  return answer && typeof answer === "object" && STREAM in answer ? (answer as { [STREAM]: unknown[] })[STREAM] : [answer];
}

/** A client whose every request is answered by `respond` (its `data`), each call recorded. */
export function mockClient(respond: Responder) {
  const calls: Call[] = [];
  const link = new ApolloLink(
    (operation) =>
      new Observable((observer) => {
        const call = { operationName: operation.operationName ?? "", variables: operation.variables };
        calls.push(call);
        // Answered on a later tick, as a network would; each result of a stream on its own.
        let results: unknown[];
        try {
          results = resultsOf(respond(call));
        } catch (error) {
          const failed = setTimeout(() => observer.error(error), 0);
          return () => clearTimeout(failed);
        }
        const timers = results.map((data, i) =>
          setTimeout(() => {
            observer.next({ data } as ApolloLink.Result);
            if (i === results.length - 1) observer.complete();
          }, i * 10),
        );
        return () => timers.forEach(clearTimeout);
      }),
  );
  const client = new ApolloClient({ cache: createCache(), link });
  return { client, calls };
}

const EUR = (amount: string) => ({ __typename: "Money", amount, currency: "EUR" });

export function boardAccount(role: MemberRole = "OWNER", overrides: Partial<BoardAccount> = {}): BoardAccount {
  const envelope = (id: string, name: string, isAvailable = false) => ({
    __typename: "Envelope",
    id,
    name,
    balance: EUR("100.00"),
    archived: false,
    isAvailable,
    deleted: false,
    plan: null,
    goal: null,
  });
  return {
    __typename: "Account",
    id: "A1",
    name: "Household",
    type: "CHECKING",
    institution: null,
    currency: "EUR",
    onBudget: true,
    allowOverdraft: false,
    closed: false,
    closedAt: null,
    myRole: role,
    balance: EUR("500.00"),
    clearedBalance: EUR("300.00"),
    available: envelope("E0", "Available", true),
    envelopes: [envelope("E0", "Available", true), envelope("E1", "Groceries"), envelope("E2", "Holiday")],
    ...overrides,
  } as unknown as BoardAccount;
}

/** One entry of the history, as HistoryEntry asks for it. */
export function entry(n: number, overrides: Record<string, unknown> = {}) {
  const kind = (overrides["kind"] as TransactionKind | undefined) ?? "EXPENSE";
  return {
    __typename: "Transaction",
    id: `T${n}`,
    sequence: n,
    kind,
    bookingDate: "2025-03-01",
    amount: EUR("-10.00"),
    balanceAfter: EUR(`${1000 - n}.00`),
    payee: `Shop ${n}`,
    memo: null,
    tags: [],
    undone: false,
    cleared: "UNCLEARED" as ClearedStatus,
    recordedAt: "2025-03-01T10:00:00Z",
    lines: [{ __typename: "TransactionLine", envelope: { __typename: "Envelope", id: "E1", name: "Groceries", isAvailable: false }, amount: EUR("-10.00") }],
    recordedBy: { __typename: "Profile", id: "U1", displayName: "Ada Lovelace", avatarColor: "#884488" },
    reverses: null,
    reversedBy: null,
    needsReview: false,
    corrects: null,
    correctedBy: null,
    ...overrides,
  };
}

/** A page of the connection: `nodes` newest first; cursors "c<sequence>". */
export function page(nodes: ReturnType<typeof entry>[], hasNextPage: boolean) {
  return {
    account: {
      __typename: "Account",
      id: "A1",
      transactions: {
        __typename: "TransactionConnection",
        edges: nodes.map((node) => ({ __typename: "TransactionEdge", cursor: `c${node.sequence}`, node })),
        pageInfo: { __typename: "PageInfo", hasNextPage, endCursor: nodes.length ? `c${nodes[nodes.length - 1]!.sequence}` : null },
      },
    },
  };
}

export function totals(count: number) {
  return {
    account: {
      __typename: "Account",
      id: "A1",
      totals: {
        __typename: "Totals",
        income: EUR("200.00"),
        expense: EUR("150.00"),
        transfers: EUR("0.00"),
        net: EUR("50.00"),
        count,
      },
    },
  };
}

/** Renders `screen` at `path` under /accounts/A1, with the account's outlet context. */
export function renderScreen(screen: ReactNode, { client, account, path }: { client: ApolloClient; account: BoardAccount; path: string }) {
  const outlet: AccountOutlet = { account, record: () => undefined };
  return render(
    <ApolloProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/accounts/:accountId" element={<Outlet context={outlet} />}>
            <Route path="history" element={screen} />
            <Route path="reconcile" element={screen} />
            <Route path="import" element={screen} />
            <Route path="savings" element={screen} />
          </Route>
        </Routes>
      </MemoryRouter>
    </ApolloProvider>,
  );
}
