"""The cash-flow picture of a period as a Sankey diagram: nodes, and links between them that
a chart draws directly (`source`/`target` are node indexes). Amounts are minor units of one
currency.

    income sources ─▶ accounts ─▶ envelopes ─▶ top payees (the rest: "Other payees")
                     accounts ─▶ accounts          (transfers between two of them, netted)

The rules the picture keeps:
- Every link is > 0. Sums are net: an undone entry and its undo cancel (they carry the same
  payee, envelope and flow), a recategorisation moves spending between envelopes.
- Transfers between two accounts of the picture are netted per pair (one link, from the
  account that sent more, of the difference); money around a cycle of transfers (A → B → C →
  A) is cancelled by the smallest link of the cycle, which changes no account's net flow, so
  the diagram is acyclic, as Sankey layouts need. A transfer with an account outside the
  picture (another currency, not visible) comes from "Transfers in" or goes to "Transfers
  out".
- Every account node balances: what flowed in equals what flowed out. Spending more than came
  in is drawn from a "From balance" source into the account; the part of what came in that
  was not spent goes to "Kept in accounts". Envelope nodes balance by construction (what an
  envelope spent is what went to its payees).
- The top payees are the `top` largest by spending over the whole picture (ties by name);
  the others are grouped in one "Other payees" node.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from graphlib import CycleError, TopologicalSorter
from itertools import pairwise

from app.core.errors import ValidationError

MAX_TOP_PAYEES = 50
UNNAMED_INCOME = "Unnamed income"
UNNAMED_PAYEE = "No payee"


class NodeKind(StrEnum):
    """What a node of a cash-flow diagram stands for (computed or planned)."""

    INCOME = "income"
    ACCOUNT = "account"
    ENVELOPE = "envelope"
    PAYEE = "payee"
    OTHER_PAYEES = "other_payees"
    FROM_BALANCE = "from_balance"
    TO_BALANCE = "to_balance"
    TRANSFERS_IN = "transfers_in"
    TRANSFERS_OUT = "transfers_out"
    # the planning model's kinds (INCOME and ACCOUNT are shared)
    EXPENSE = "expense"
    SAVINGS = "savings"
    INVESTMENT = "investment"
    DEBT = "debt"


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: NodeKind


@dataclass(frozen=True)
class Link:
    source: int
    target: int
    value: int  # minor units, > 0


@dataclass(frozen=True)
class Sankey:
    nodes: list[Node]
    links: list[Link]

    def inflow(self, index: int) -> int:
        return sum(link.value for link in self.links if link.target == index)

    def outflow(self, index: int) -> int:
        return sum(link.value for link in self.links if link.source == index)


# --- what the ledger says, summed per group -------------------------------------------------


@dataclass(frozen=True)
class Income:
    account: str  # the account node's id
    source: str | None  # the payee (or payment source); None: unnamed
    amount: int  # net, signed


@dataclass(frozen=True)
class Spending:
    account: str
    envelope: str  # the envelope node's id
    envelope_label: str
    payee: str | None
    amount: int  # net money out, positive


@dataclass(frozen=True)
class Transfer:
    account: str
    counterpart: str | None  # an account node's id, or any key of an account outside
    amount: int  # net, signed as the account's entries: negative is sent


def check_top(top: int) -> int:
    if not 0 <= top <= MAX_TOP_PAYEES:
        raise ValidationError(f"topPayees is 0 to {MAX_TOP_PAYEES}.", field=["topPayees"])
    return top


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


class _Builder:
    """Links keyed by (source id, target id), summed; nodes in the order first named."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.values: dict[tuple[str, str], int] = defaultdict(int)

    def node(self, node_id: str, label: str, kind: NodeKind) -> str:
        self.nodes.setdefault(node_id, Node(node_id, label, kind))
        return node_id

    def add(self, source: str, target: str, value: int) -> None:
        self.values[(source, target)] += value

    def net(self, node_id: str) -> int:
        """In minus out."""
        inflow = sum(v for (_, t), v in self.values.items() if t == node_id and v > 0)
        outflow = sum(v for (s, _), v in self.values.items() if s == node_id and v > 0)
        return inflow - outflow

    def sankey(self, order: Sequence[NodeKind]) -> Sankey:
        used = {end for pair, value in self.values.items() if value > 0 for end in pair}
        rank = {kind: i for i, kind in enumerate(order)}
        nodes = sorted(
            (n for n in self.nodes.values() if n.id in used), key=lambda n: rank[n.kind]
        )  # stable: within a kind, in the order first named
        index = {node.id: i for i, node in enumerate(nodes)}
        links = [Link(index[s], index[t], v) for (s, t), v in self.values.items() if v > 0]
        links.sort(key=lambda link: (link.source, link.target))
        return Sankey(nodes, links)


ORDER = [
    NodeKind.INCOME,
    NodeKind.TRANSFERS_IN,
    NodeKind.FROM_BALANCE,
    NodeKind.ACCOUNT,
    NodeKind.TRANSFERS_OUT,
    NodeKind.TO_BALANCE,
    NodeKind.ENVELOPE,
    NodeKind.PAYEE,
    NodeKind.OTHER_PAYEES,
]


def top_payees(spending: Iterable[Spending], top: int) -> dict[str, str]:
    """The `top` payees by spending (their key → the label first seen)."""
    totals: dict[str, int] = defaultdict(int)
    labels: dict[str, str] = {}
    for row in spending:
        if row.amount > 0:
            label = row.payee or UNNAMED_PAYEE
            totals[_key(label)] += row.amount
            labels.setdefault(_key(label), label)
    ranked = sorted(totals, key=lambda key: (-totals[key], key))
    return {key: labels[key] for key in ranked[:top]}


def cash_flow(
    accounts: dict[str, str],
    income: Iterable[Income],
    spending: Sequence[Spending],
    transfers: Iterable[Transfer],
    top: int,
) -> Sankey:
    """The picture (see the module docstring); `accounts` maps the node id of each account
    of the picture to its label."""
    b = _Builder()
    for account_id, label in accounts.items():
        b.node(account_id, label, NodeKind.ACCOUNT)
    for row in income:
        label = row.source or UNNAMED_INCOME
        b.add(b.node(f"income:{_key(label)}", label, NodeKind.INCOME), row.account, row.amount)
    _spending(b, spending, top_payees(spending, top))
    _transfers(b, accounts, transfers)
    _balance(b, accounts)
    return b.sankey(ORDER)


def _spending(b: _Builder, spending: Iterable[Spending], top: dict[str, str]) -> None:
    for row in spending:
        if row.amount <= 0:
            continue
        envelope = b.node(row.envelope, row.envelope_label, NodeKind.ENVELOPE)
        key = _key(row.payee or UNNAMED_PAYEE)
        if key in top:
            payee = b.node(f"payee:{key}", top[key], NodeKind.PAYEE)
        else:
            payee = b.node("payees:other", "Other payees", NodeKind.OTHER_PAYEES)
        b.add(row.account, envelope, row.amount)
        b.add(envelope, payee, row.amount)


def _transfers(b: _Builder, accounts: dict[str, str], transfers: Iterable[Transfer]) -> None:
    between: dict[tuple[str, str], int] = defaultdict(int)  # (a, b) with a < b: net a → b
    outside: dict[str, int] = defaultdict(int)  # per account: net received from outside
    for row in transfers:
        if row.counterpart in accounts and row.counterpart != row.account:
            # A pair's transfers are seen from both of its accounts: count them from one.
            if row.account < row.counterpart:
                between[(row.account, row.counterpart)] -= row.amount
            continue
        outside[row.account] += row.amount
    for account, net in outside.items():
        if net > 0:
            b.add(b.node("transfers:in", "Transfers in", NodeKind.TRANSFERS_IN), account, net)
        elif net < 0:
            b.add(account, b.node("transfers:out", "Transfers out", NodeKind.TRANSFERS_OUT), -net)
    flows = {}
    for (low, high), net in between.items():
        if net:
            flows[(low, high) if net > 0 else (high, low)] = abs(net)
    for (source, target), value in cancel_cycles(flows).items():
        b.add(source, target, value)


def cancel_cycles(flows: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    """The flows with the money around each cycle taken out (the smallest link of a cycle,
    from every link of it), which leaves every node's net flow as it was; no cycle is left."""
    flows = {pair: value for pair, value in flows.items() if value > 0}
    while True:
        graph: dict[str, set[str]] = defaultdict(set)
        for source, target in flows:
            graph[target].add(source)
        try:
            TopologicalSorter(graph).prepare()
            return flows
        except CycleError as error:
            pairs = _cycle_pairs(error.args[1], flows)
            smallest = min(flows[pair] for pair in pairs)
            for pair in pairs:
                flows[pair] -= smallest
                if flows[pair] == 0:
                    del flows[pair]


def _cycle_pairs(cycle: list[str], flows: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    """The links of a cycle `graphlib` reports ([n0, n1, …, n0], in one direction)."""
    pairs = list(pairwise(cycle))
    if all(pair in flows for pair in pairs):
        return pairs
    return [(target, source) for source, target in pairs]


def _balance(b: _Builder, accounts: dict[str, str]) -> None:
    for account in accounts:
        net = b.net(account)
        if net < 0:
            source = b.node("balance:from", "From balance", NodeKind.FROM_BALANCE)
            b.add(source, account, -net)
        elif net > 0:
            b.add(account, b.node("balance:to", "Kept in accounts", NodeKind.TO_BALANCE), net)
