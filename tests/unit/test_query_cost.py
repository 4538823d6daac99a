"""The cost rule (app/graphql/engine/cost.py) on the real schema: objects a request may return,
connection page sizes multiplied through nesting, small fixed sizes for other lists."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from graphql import FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode, parse

from app.core.settings import Settings
from app.graphql.engine.cost import QueryCosts, plan_cost
from app.graphql.engine.limits import _depth
from app.graphql.relay import MAX_PAGE_SIZE
from app.graphql.schema import build_schema

LIST_SIZE = 10
OPERATIONS = Path(__file__).resolve().parents[2] / "schema" / "operations"


@cache
def schema() -> GraphQLSchema:
    return build_schema(Settings(dev_mode=True))._schema


def cost(query: str, variables: dict[str, Any] | None = None, operation: str | None = None) -> int:
    return plan_cost(schema(), parse(query), operation, LIST_SIZE).requested(variables)


class TestObjectsAndScalars:
    def test_scalars_are_free_and_each_object_counts_once(self) -> None:
        assert cost("{ me { id email } }") == 1
        assert cost('{ me { id } other: node(id: "x") { id } }') == 2

    def test_introspection_is_free(self) -> None:
        assert cost("{ __schema { types { fields { name } } } __typename }") == 0

    def test_a_list_without_a_page_size_counts_as_the_configured_list_size(self) -> None:
        # accounts (10) and each one's balance (10)
        assert cost("{ accounts { id balance { amount } } }") == 2 * LIST_SIZE

    def test_nested_lists_multiply(self) -> None:
        # accounts 10, envelopes 10 * 10, balances 10 * 10
        assert cost("{ accounts { envelopes { balance { amount } } } }") == 10 + 100 + 100

    def test_a_list_argument_counts_its_length(self) -> None:
        assert cost('{ nodes(ids: ["a", "b", "c"]) { id } }') == 3
        query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
        assert cost(query, {"ids": ["x"] * 40}) == 40


SESSIONS = "query($first: Int, $last: Int) { me { sessions(first: $first, last: $last) { %s } } }"


class TestConnections:
    def test_first_multiplies_the_edges_not_the_page_info(self) -> None:
        query = "{ me { sessions(first: 7) { edges { node { id } } pageInfo { hasNextPage } } } }"
        # me, connection, 7 edges, 7 nodes, pageInfo
        assert cost(query) == 1 + 1 + 7 + 7 + 1

    def test_without_first_or_last_the_default_page_size_counts(self) -> None:
        assert cost("{ me { sessions { edges { node { id } } } } }") == 1 + 1 + 20 + 20

    def test_page_sizes_given_as_variables_are_read_per_request(self) -> None:
        query = SESSIONS % "edges { cursor }"
        assert cost(query, {"first": 3}) == 1 + 1 + 3
        assert cost(query, {"last": 50}) == 1 + 1 + 50
        assert cost(query, {}) == 1 + 1 + 20

    def test_a_variable_default_counts_when_the_variable_is_not_given(self) -> None:
        query = "query($n: Int = 5) { me { sessions(first: $n) { edges { node { id } } } } }"
        assert cost(query) == 1 + 1 + 5 + 5
        assert cost(query, {"n": 9}) == 1 + 1 + 9 + 9

    def test_connections_multiply_through_nesting(self) -> None:
        query = """query($first: Int) { accounts { transactions(first: $first) {
            edges { node { amount { amount } lines { envelope { id } } } } } } }"""
        per_entry = 1 + 1 + 1 + LIST_SIZE * 2  # edge, node, amount, lines and their envelopes
        per_account = 1 + 1 + 30 * per_entry  # the account, its connection, 30 entries
        assert cost(query, {"first": 30}) == LIST_SIZE * per_account

    def test_fragments_count_where_they_are_spread(self) -> None:
        query = """{ me { ...Devices } }
            fragment Devices on User { sessions(first: 4) { edges { ... on LoginSessionEdge {
              node { id } } } } }"""
        assert cost(query) == 1 + 1 + 4 + 4

    def test_negative_and_non_numeric_sizes_do_not_lower_the_estimate_below_zero(self) -> None:
        query = SESSIONS % "edges { cursor }"
        assert cost(query, {"first": -3}) == 1 + 1
        assert cost(query, {"first": "many"}) == 1 + 1 + 20


class TestSharedPages:
    """`changes(first:)`: its lists share one page, so a page costs one of the costliest."""

    def test_a_page_costs_as_many_of_the_costliest_objects_as_it_holds(self) -> None:
        query = """query($first: Int) { changes(first: $first) { cursor
            transactions { id amount { amount } lines { envelope { id } } }
            accounts { id }  tombstones { id } } }"""
        per_entry = 1 + 1 + LIST_SIZE * 2  # the costliest: entry, amount, lines, envelopes
        assert cost(query, {"first": 30}) == 1 + 30 * per_entry
        assert cost(query) == 1 + 20 * per_entry  # the default page size

    def test_fragments_are_one_selection_and_literal_sizes_count_too(self) -> None:
        query = """{ changes(first: 6) { ...Parts schedules { id } } }
            fragment Parts on Changes { accounts { id } paymentSources { id } }"""
        assert cost(query) == 1 + 6 * 2

    def test_a_selection_of_varying_cost_makes_every_list_count_a_page(self) -> None:
        query = """query($n: Int) { changes(first: 5) { tombstones { id }
            accounts { transactions(first: $n) { edges { node { id } } } } } }"""
        per_account = 1 + 1 + 3 * 2  # the account, its connection, 3 edges and nodes
        assert cost(query, {"n": 3}) == 1 + 5 * 1 + 5 * per_account


class TestFragmentChains:
    """Each fragment spreads the next twice: 2^40 paths, walked once per fragment."""

    LINKS = 40
    QUERY = "{ me { ...F0 } } " + " ".join(
        [f"fragment F{i} on User {{ ...F{i + 1} ...F{i + 1} }}" for i in range(LINKS)]
        + [f"fragment F{LINKS} on User {{ sessions(first: 3) {{ edges {{ cursor }} }} }}"]
    )

    def test_the_cost_multiplies_out_without_walking_every_path(self) -> None:
        assert cost(self.QUERY) == 1 + 2**self.LINKS * (1 + 3)

    def test_the_depth_rule_measures_each_fragment_once(self) -> None:
        document = parse(self.QUERY)
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        # me > sessions > edges > cursor
        assert _depth(operation.selection_set, fragments, frozenset()) == 4


class TestCache:
    def test_one_plan_per_document_and_operation(self) -> None:
        costs = QueryCosts(LIST_SIZE, cache_size=2)
        text = "query A { me { id } } query B { accounts { id } }"
        document = parse(text)
        a = costs.plan(schema(), text, document, "A")
        assert costs.plan(schema(), text, document, "A") is a
        assert costs.plan(schema(), text, document, "B").requested(None) == LIST_SIZE
        assert a.requested(None) == 1

    def test_old_plans_are_dropped(self) -> None:
        costs = QueryCosts(LIST_SIZE, cache_size=1)
        first = costs.plan(schema(), "{ me { id } }", parse("{ me { id } }"), None)
        costs.plan(schema(), "{ accounts { id } }", parse("{ accounts { id } }"), None)
        assert costs.plan(schema(), "{ me { id } }", parse("{ me { id } }"), None) is not first


def shipped_operations() -> list[Path]:
    return sorted(OPERATIONS.rglob("*.graphql"))


@pytest.mark.parametrize("path", shipped_operations(), ids=lambda p: p.stem)
def test_every_shipped_operation_fits_the_default_maximum_at_the_largest_page(
    path: Path,
) -> None:
    defaults = Settings(dev_mode=True)
    largest_pages = {"first": MAX_PAGE_SIZE}
    plan = plan_cost(schema(), parse(path.read_text()), None, defaults.query_cost_list_size)
    assert 0 < plan.requested(largest_pages) <= defaults.max_query_cost
