"""The rules of the computed cash-flow picture (app.domain.sankey), without a database."""

from __future__ import annotations

import pytest

from app.core.errors import ValidationError
from app.domain.sankey import (
    Income,
    NodeKind,
    Sankey,
    Spending,
    Transfer,
    cancel_cycles,
    cash_flow,
    check_top,
    top_payees,
)

ACCOUNTS = {"a": "Checking", "b": "Savings", "c": "Cash"}


def named(sankey: Sankey) -> dict[tuple[str, str], int]:
    return {
        (sankey.nodes[k.source].label, sankey.nodes[k.target].label): k.value for k in sankey.links
    }


def spent(envelope: str, payee: str | None, amount: int, account: str = "a") -> Spending:
    return Spending(account, f"e:{envelope}", envelope, payee, amount)


class TestCashFlow:
    def test_income_reaches_payees_through_accounts_and_envelopes(self) -> None:
        sankey = cash_flow(
            {"a": "Checking"},
            [Income("a", "Acme", 1000)],
            [spent("Food", "Market", 300), spent("Food", "market ", 50)],
            [],
            top=8,
        )
        assert named(sankey) == {
            ("Acme", "Checking"): 1000,
            ("Checking", "Food"): 350,
            ("Food", "Market"): 350,  # payees compared without case and outer spaces
            ("Checking", "Kept in accounts"): 650,
        }
        assert [n.kind for n in sankey.nodes] == [
            NodeKind.INCOME, NodeKind.ACCOUNT, NodeKind.TO_BALANCE, NodeKind.ENVELOPE,
            NodeKind.PAYEE,
        ]  # fmt: skip

    def test_payees_beyond_the_top_are_grouped(self) -> None:
        spending = [spent("Food", name, amount) for name, amount in
                    [("A", 50), ("B", 40), ("C", 40), ("D", 10)]]  # fmt: skip
        assert list(top_payees(spending, 2).values()) == ["A", "B"]  # ties by name
        sankey = cash_flow({"a": "Checking"}, [], spending, [], top=2)
        assert named(sankey)[("Food", "Other payees")] == 50

    def test_net_amounts_not_above_zero_are_left_out(self) -> None:
        sankey = cash_flow(
            {"a": "Checking"}, [Income("a", "Refunded", 0)], [spent("Fun", "Shop", 0)], [], 8
        )
        assert sankey.nodes == []
        assert sankey.links == []

    def test_spending_beyond_income_comes_from_the_balance(self) -> None:
        sankey = cash_flow({"a": "Checking"}, [Income("a", None, 100)], [spent("X", None, 250)],
                           [], 8)  # fmt: skip
        assert named(sankey) == {
            ("Unnamed income", "Checking"): 100,
            ("From balance", "Checking"): 150,
            ("Checking", "X"): 250,
            ("X", "No payee"): 250,
        }

    def test_transfers_are_netted_per_pair_and_outside_ones_have_their_nodes(self) -> None:
        transfers = [
            Transfer("a", "b", -400), Transfer("b", "a", 400),  # a → b 400
            Transfer("b", "a", -100), Transfer("a", "b", 100),  # b → a 100
            Transfer("a", "elsewhere", -30), Transfer("b", None, 20),
        ]  # fmt: skip
        sankey = cash_flow({"a": "Checking", "b": "Savings"}, [], [], transfers, 8)
        assert named(sankey) == {
            ("Transfers in", "Savings"): 20,
            ("From balance", "Checking"): 330,
            ("Checking", "Transfers out"): 30,
            ("Checking", "Savings"): 300,
            ("Savings", "Kept in accounts"): 320,
        }

    def test_every_account_and_envelope_node_balances(self) -> None:
        sankey = cash_flow(
            ACCOUNTS,
            [Income("a", "Job", 500), Income("c", "Gift", 70)],
            [spent("Food", "M", 120), spent("Rent", "L", 900, "b"), spent("Fun", "C", 5, "c")],
            [Transfer("a", "b", -300), Transfer("b", "a", 300), Transfer("c", "a", -10),
             Transfer("a", "c", 10)],
            top=1,
        )  # fmt: skip
        for i, node in enumerate(sankey.nodes):
            if node.kind in (NodeKind.ACCOUNT, NodeKind.ENVELOPE):
                assert sankey.inflow(i) == sankey.outflow(i), node


class TestCycles:
    def test_money_around_a_cycle_is_cancelled_without_changing_net_flows(self) -> None:
        flows = {("a", "b"): 50, ("b", "c"): 30, ("c", "a"): 20, ("c", "d"): 5}
        left = cancel_cycles(flows)
        assert left == {("a", "b"): 30, ("b", "c"): 10, ("c", "d"): 5}

        def net(found: dict[tuple[str, str], int], node: str) -> int:
            return sum(v for (s, t), v in found.items() if t == node) - sum(
                v for (s, t), v in found.items() if s == node
            )

        assert all(net(left, n) == net(flows, n) for n in "abcd")

    def test_a_cycle_of_transfers_is_drawn_acyclic(self) -> None:
        transfers = [Transfer("a", "b", -50), Transfer("b", "c", -50), Transfer("a", "c", 50)]
        sankey = cash_flow(ACCOUNTS, [], [], transfers, 8)
        # a → b → c → a, 50 each: nothing is left to draw, no account moved money on net
        assert sankey.links == []


@pytest.mark.parametrize("top", [-1, 51])
def test_the_number_of_top_payees_is_bounded(top: int) -> None:
    with pytest.raises(ValidationError):
        check_top(top)
