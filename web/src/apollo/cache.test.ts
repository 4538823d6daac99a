/// <reference types="node" />
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import { gql } from "@apollo/client";
import { buildSchema, isObjectType } from "graphql";

import { createCache, NODE_TYPES, typePolicies } from "./cache";

const sdl = readFileSync(resolve(__dirname, "../../../schema/schema.graphql"), "utf8");

describe("Node types", () => {
  const schema = buildSchema(sdl);
  const nodeTypes = Object.values(schema.getTypeMap())
    .filter(isObjectType)
    .filter((type) => type.getInterfaces().some((iface) => iface.name === "Node"))
    .map((type) => type.name)
    .sort();

  it("finds the Node types in the SDL", () => {
    expect(nodeTypes.length).toBeGreaterThan(3);
    expect(nodeTypes).toContain("Account");
  });

  it("lists every Node type of the SDL (and nothing else) in NODE_TYPES", () => {
    expect([...NODE_TYPES].sort()).toEqual(nodeTypes);
  });

  it.each(nodeTypes)("keys %s by id", (name) => {
    expect(typePolicies[name]?.keyFields).toEqual(["id"]);
    const cache = createCache();
    // Apollo writes explicit keyFields as `Type:{"id":"…"}`: same id, same entry, whatever else is asked.
    expect(cache.identify({ __typename: name, id: "X1" })).toBe(`${name}:{"id":"X1"}`);
    expect(cache.identify({ __typename: name, id: "X1", other: 1 })).toBe(cache.identify({ __typename: name, id: "X1" }));
  });
});

const HISTORY = gql`
  query History($id: ID!, $first: Int, $after: String, $filter: TransactionFilter) {
    account(id: $id) {
      id
      transactions(first: $first, after: $after, filter: $filter) {
        edges {
          cursor
          node {
            id
            payee
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

type Edge = { cursor: string; node: { id: string; payee: string } };
type History = {
  account: {
    id: string;
    transactions: { edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  } | null;
};

function page(ids: string[], hasNextPage: boolean, payee = "Rent"): History {
  const edges = ids.map((id) => ({
    __typename: "TransactionEdge",
    cursor: `c-${id}`,
    node: { __typename: "Transaction", id, payee },
  }));
  return {
    account: {
      __typename: "Account",
      id: "A1",
      transactions: {
        __typename: "TransactionConnection",
        edges,
        pageInfo: { __typename: "PageInfo", hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
      },
    } as History["account"],
  };
}

describe("transactions pagination", () => {
  const rent = { text: "rent" };
  const food = { text: "food" };

  it("merges a second page (after) into one list per filter", () => {
    const cache = createCache();
    cache.writeQuery({ query: HISTORY, variables: { id: "A1", first: 2, filter: rent }, data: page(["t1", "t2"], true) });
    // fetchMore: the next page after the last cursor.
    cache.writeQuery({
      query: HISTORY,
      variables: { id: "A1", first: 2, after: "c-t2", filter: rent },
      data: page(["t3", "t4"], false),
    });

    const read = cache.readQuery<History>({ query: HISTORY, variables: { id: "A1", first: 2, filter: rent } });
    const connection = read?.account?.transactions;
    expect(connection?.edges.map((edge) => edge.node.id)).toEqual(["t1", "t2", "t3", "t4"]);
    expect(connection?.pageInfo.hasNextPage).toBe(false);
    expect(connection?.pageInfo.endCursor).toBe("c-t4");
  });

  it("keeps different filters apart", () => {
    const cache = createCache();
    cache.writeQuery({ query: HISTORY, variables: { id: "A1", first: 2, filter: rent }, data: page(["t1", "t2"], true) });
    cache.writeQuery({
      query: HISTORY,
      variables: { id: "A1", first: 2, after: "c-t2", filter: rent },
      data: page(["t3"], false),
    });
    cache.writeQuery({ query: HISTORY, variables: { id: "A1", first: 2, filter: food }, data: page(["t9"], false, "Grocer") });
    cache.writeQuery({ query: HISTORY, variables: { id: "A1", first: 2, filter: null }, data: page(["t9", "t3"], true) });

    const ids = (filter: object | null) =>
      cache
        .readQuery<History>({ query: HISTORY, variables: { id: "A1", first: 2, filter } })
        ?.account?.transactions.edges.map((edge) => edge.node.id);
    expect(ids(rent)).toEqual(["t1", "t2", "t3"]);
    expect(ids(food)).toEqual(["t9"]);
    expect(ids(null)).toEqual(["t9", "t3"]);
  });

  it("starts over when the first page is asked again (a refetch replaces the list)", () => {
    const cache = createCache();
    cache.writeQuery({ query: HISTORY, variables: { id: "A1", first: 2, filter: rent }, data: page(["t1", "t2"], true) });
    cache.writeQuery({
      query: HISTORY,
      variables: { id: "A1", first: 2, after: "c-t2", filter: rent },
      data: page(["t3"], false),
    });
    cache.writeQuery({ query: HISTORY, variables: { id: "A1", first: 2, filter: rent }, data: page(["t0", "t1"], true) });
    const read = cache.readQuery<History>({ query: HISTORY, variables: { id: "A1", first: 2, filter: rent } });
    expect(read?.account?.transactions.edges.map((edge) => edge.node.id)).toEqual(["t0", "t1"]);
  });
});
