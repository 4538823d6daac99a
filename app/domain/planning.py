"""The planning model of a household: nodes (income, accounts, expenses, savings, investments,
debts) and flows of money between them, drawn as a Sankey diagram.

Its rules:
- A flow goes from one node to another (not to itself), of an amount > 0 in the model's
  currency, and the flows never form a cycle (a Sankey diagram has none; money that goes round
  is no plan). The cycle is found by `graphlib`'s topological sort, with the flow that would
  close it refused as CYCLE.
- The model has one currency: that of its first money (a node's amount or balance, a flow's
  amount) while it holds none; money in another currency is refused (VALIDATION on the field).
- A node's label is 1 to 80 characters; its institution at most 80; its APY a percentage
  such as "4.25" (0 to 1000, at most 4 decimals; a string, never a float); its metadata at most
  20 key/value pairs, keys distinct (1 to 40 characters), values at most 500.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from graphlib import CycleError, TopologicalSorter

from app.core.errors import AppError, ValidationError
from app.domain.envelopes import clean_name
from app.domain.sankey import Link, Node, NodeKind, Sankey

MAX_LABEL, MAX_INSTITUTION = 80, 80
MAX_METADATA, MAX_KEY, MAX_VALUE = 20, 40, 500
MAX_NODES, MAX_FLOWS = 200, 1000
_APY = re.compile(r"^[0-9]{1,4}(\.[0-9]{1,4})?$")


class CycleRefusal(AppError):
    """A flow that would close a cycle of flows."""

    code = "CYCLE"


class PlanningKind(StrEnum):
    INCOME = "income"
    ACCOUNT = "account"
    EXPENSE = "expense"
    SAVINGS = "savings"
    INVESTMENT = "investment"
    DEBT = "debt"

    @property
    def node_kind(self) -> NodeKind:
        return NodeKind(self.value)


def check_label(label: str) -> str:
    return clean_name(label, "label", MAX_LABEL)


def check_institution(institution: str | None) -> str | None:
    if institution is None or not institution.strip():
        return None
    return clean_name(institution, "institution", MAX_INSTITUTION)


def check_flow_label(label: str | None) -> str | None:
    if label is None or not label.strip():
        return None
    return clean_name(label, "label", MAX_LABEL)


def check_apy(apy: str | None) -> str | None:
    """The APY as a normalised decimal string ("4.250" → "4.25"), or None."""
    if apy is None:
        return None
    text = apy.strip()
    if not _APY.match(text) or Decimal(text) > 1000:
        raise ValidationError(
            "The APY is a percentage such as 4.25 (0 to 1000, at most 4 decimals).",
            field=["apy"],
        )
    return format(Decimal(text).normalize(), "f")


def check_metadata(pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    if len(pairs) > MAX_METADATA:
        raise ValidationError(f"At most {MAX_METADATA} metadata entries.", field=["metadata"])
    cleaned: list[tuple[str, str]] = []
    for i, (key, value) in enumerate(pairs):
        key = clean_name(key, "key", MAX_KEY)
        if any(k == key for k, _ in cleaned):
            raise ValidationError("A key is listed twice.", field=["metadata", str(i), "key"])
        if len(value) > MAX_VALUE:
            raise ValidationError(
                f"At most {MAX_VALUE} characters.", field=["metadata", str(i), "value"]
            )
        cleaned.append((key, value))
    return cleaned


def check_currency_of_model(model: str | None, currency: str, field: str) -> None:
    if model is not None and currency != model:
        raise ValidationError(
            f"The planning model is in {model}: give amounts in {model}.", field=[field]
        )


def check_ends(source: Hashable, target: Hashable) -> None:
    if source == target:
        raise ValidationError("A flow goes from one node to another.", field=["to"])


def check_acyclic(flows: Iterable[tuple[Hashable, Hashable]]) -> None:
    """CYCLE when the flows (source, target) go round."""
    graph: dict[Hashable, set[Hashable]] = defaultdict(set)
    for source, target in flows:
        graph[target].add(source)
    try:
        TopologicalSorter(graph).prepare()
    except CycleError:
        raise CycleRefusal(
            "This flow would close a cycle: money would flow back to where it came from.",
            field=["to"],
        ) from None


@dataclass(frozen=True)
class PlannedNode:
    id: str
    label: str
    kind: PlanningKind


@dataclass(frozen=True)
class PlannedFlow:
    source: str
    target: str
    amount: int


def model_sankey(nodes: Sequence[PlannedNode], flows: Sequence[PlannedFlow]) -> Sankey:
    """The model as a diagram: the nodes some flow touches (in their order), the flows
    (between nodes of `nodes`)."""
    known = {node.id for node in nodes}
    drawn = [f for f in flows if f.source in known and f.target in known]
    used = {end for flow in drawn for end in (flow.source, flow.target)}
    shown = [node for node in nodes if node.id in used]
    index = {node.id: i for i, node in enumerate(shown)}
    return Sankey(
        nodes=[Node(n.id, n.label, n.kind.node_kind) for n in shown],
        links=[Link(index[f.source], index[f.target], f.amount) for f in drawn],
    )
