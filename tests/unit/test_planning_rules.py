"""The rules of the planning model (app.domain.planning), without a database."""

from __future__ import annotations

import pytest

from app.core.errors import ValidationError
from app.domain.planning import (
    CycleRefusal,
    PlannedFlow,
    PlannedNode,
    PlanningKind,
    check_acyclic,
    check_apy,
    check_currency_of_model,
    check_ends,
    check_metadata,
    model_sankey,
)
from app.domain.sankey import NodeKind


class TestFlows:
    def test_a_flow_to_itself_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            check_ends("a", "a")

    def test_flows_that_go_round_are_a_cycle(self) -> None:
        check_acyclic([("a", "b"), ("b", "c"), ("a", "c")])
        with pytest.raises(CycleRefusal) as refused:
            check_acyclic([("a", "b"), ("b", "c"), ("c", "a")])
        assert refused.value.code == "CYCLE"

    def test_money_in_another_currency_than_the_models_is_refused(self) -> None:
        check_currency_of_model(None, "USD", "currency")
        check_currency_of_model("EUR", "EUR", "currency")
        with pytest.raises(ValidationError):
            check_currency_of_model("EUR", "USD", "currency")


class TestNodeFields:
    @pytest.mark.parametrize(("given", "kept"), [("4.250", "4.25"), ("0", "0"), ("100", "100"),
                                                 ("1000.0000", "1000"), (None, None)])  # fmt: skip
    def test_an_apy_is_kept_as_a_normalised_decimal_string(
        self, given: str | None, kept: str | None
    ) -> None:
        assert check_apy(given) == kept

    @pytest.mark.parametrize("given", ["-1", "1e2", "4.12345", "1000.01", "NaN", "", "4,5"])
    def test_an_apy_that_is_not_a_percentage_is_refused(self, given: str) -> None:
        with pytest.raises(ValidationError):
            check_apy(given)

    def test_metadata_keys_are_distinct(self) -> None:
        assert check_metadata([(" a ", "1"), ("b", "2")]) == [("a", "1"), ("b", "2")]
        with pytest.raises(ValidationError) as refused:
            check_metadata([("a", "1"), ("a", "2")])
        assert refused.value.field == ["metadata", "1", "key"]


def test_the_models_diagram_shows_the_nodes_flows_touch() -> None:
    nodes = [
        PlannedNode("1", "Pay", PlanningKind.INCOME),
        PlannedNode("2", "Idle", PlanningKind.DEBT),
        PlannedNode("3", "Rent", PlanningKind.EXPENSE),
    ]
    sankey = model_sankey(nodes, [PlannedFlow("1", "3", 500)])
    assert [(n.label, n.kind) for n in sankey.nodes] == [
        ("Pay", NodeKind.INCOME),
        ("Rent", NodeKind.EXPENSE),
    ]
    assert [(k.source, k.target, k.value) for k in sankey.links] == [(0, 1, 500)]
