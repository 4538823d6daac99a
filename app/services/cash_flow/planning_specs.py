"""The commands of the planning model's use cases, what they answer, and the checked fields
of a node or a flow (see `app.domain.planning` for the rules)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.errors import ValidationError
from app.core.ids import ObjectId
from app.domain.members import Role
from app.domain.money import check_currency, parse_amount, parse_signed
from app.domain.planning import (
    PlanningKind,
    check_apy,
    check_currency_of_model,
    check_institution,
    check_label,
    check_metadata,
)
from app.persistence.documents.planning import (
    MetadataRecord,
    PlanningFlowDocument,
    PlanningNodeDocument,
)


@dataclass(frozen=True)
class NodeSpec:
    kind: PlanningKind
    label: str
    institution: str | None = None
    amount: str | None = None
    balance: str | None = None
    currency: str | None = None  # of amount and balance; default: the model's
    apy: str | None = None
    metadata: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FlowSpec:
    source_id: ObjectId
    target_id: ObjectId
    amount: str
    currency: str | None = None  # default: the model's
    label: str | None = None


@dataclass(frozen=True)
class CreateNode:
    spec: NodeSpec
    account_id: ObjectId | None = None  # the household of this account's owner; None: yours


@dataclass(frozen=True)
class UpdateNode:
    node_id: ObjectId
    spec: NodeSpec


@dataclass(frozen=True)
class NodeRef:
    node_id: ObjectId


@dataclass(frozen=True)
class CreateFlow:
    spec: FlowSpec


@dataclass(frozen=True)
class UpdateFlow:
    flow_id: ObjectId
    spec: FlowSpec


@dataclass(frozen=True)
class FlowRef:
    flow_id: ObjectId


@dataclass(frozen=True)
class PlanningModel:
    owner_id: ObjectId
    role: Role
    currency: str | None
    nodes: list[PlanningNodeDocument]
    flows: list[PlanningFlowDocument]


@dataclass(frozen=True)
class SavedNode:
    node: PlanningNodeDocument
    currency: str | None  # the model's


@dataclass(frozen=True)
class SavedFlow:
    flow: PlanningFlowDocument
    currency: str  # the model's


@dataclass(frozen=True)
class DeletedNode:
    node: PlanningNodeDocument
    flow_ids: list[ObjectId]


def _money(text: str | None, currency: str | None, field: str, signed: bool) -> int | None:
    if text is None:
        return None
    if currency is None:
        raise ValidationError("Give the currency of the amounts.", field=["currency"])
    return parse_signed(text, currency, field) if signed else parse_amount(text, currency, field)


def model_currency(given: str | None, model: str | None, needed: bool) -> str | None:
    """The currency of the change's money: the one given (which must be the model's), or
    the model's."""
    if given is None:
        return model
    currency = check_currency(given)
    if needed:
        check_currency_of_model(model, currency, "currency")
    return currency


def node_fields(spec: NodeSpec, model: str | None) -> tuple[dict[str, Any], str | None]:
    """The node's checked fields (`model`: the model's currency), and the currency its money
    is in (None: no money)."""
    has_money = spec.amount is not None or spec.balance is not None
    currency = model_currency(spec.currency, model, has_money)
    fields: dict[str, Any] = {
        "kind": spec.kind.value,
        "label": check_label(spec.label),
        "institution": check_institution(spec.institution),
        "amount": _money(spec.amount, currency, "amount", signed=False),
        "balance": _money(spec.balance, currency, "balance", signed=True),
        "apy": check_apy(spec.apy),
        "metadata": [MetadataRecord(key=k, value=v) for k, v in check_metadata(spec.metadata)],
    }
    return fields, currency if has_money else None
