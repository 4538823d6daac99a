"""Rules as people write them (`RuleSpec`), as they are stored (`RuleDocument`), and as the
domain runs them (`app.domain.rules.Rule`).

`checked` turns a spec into the stored records, refusing with the input path of the first bad
part: the domain's own checks (`Rule.make`: patterns, percentages, tags…), missing fields of a
condition or action of some type, and envelopes or accounts that are not the owner's. Amount
bounds are decimal strings with at most 4 decimals (no currency has more); `rule_for` turns
them into minor units of one account's currency, a minimum rounded up and a maximum down, so
"at least 0.005" in euros is "at least 0.01". Percentages have at most 2 decimals (basis
points).

`StoredRules` is the `RuleSource` of the categoriser: the rules of an account's owner that
apply to that account, in their order.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from app.core.errors import ForbiddenError, NotFoundError, ValidationError
from app.core.ids import ObjectId
from app.domain.conditions import (
    AmountCondition,
    Condition,
    KindCondition,
    TextCondition,
    TextField,
    TextOperator,
)
from app.domain.entries import EntryKind
from app.domain.money import MAX_AMOUNT_MINOR, MINOR_DIGITS
from app.domain.rules import (
    Action,
    AddTags,
    Combine,
    RenamePayee,
    Rule,
    SetEnvelope,
    SplitByPercent,
)
from app.domain.splits import Percent
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.rules import (
    ActionRecord,
    ConditionRecord,
    PartRecord,
    RuleDocument,
)
from app.persistence.repositories.rules import RuleRepository
from app.persistence.transactions import Session
from app.services.categorisation.proposals import Categoriser, Suggester

BOUND_DIGITS = 4
_BOUND = re.compile(r"^[0-9]{1,15}(\.[0-9]{1,4})?$")
_PERCENT = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,2})?$")
TEXT_TYPES = {"payee": TextField.PAYEE, "memo": TextField.MEMO}
NO_ENVELOPE = "No such envelope in your accounts."


@dataclass(frozen=True)
class ConditionSpec:
    type: str  # payee | memo | amount | kind
    operator: str | None = None
    value: str | None = None
    minimum: str | None = None
    maximum: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class PartSpec:
    envelope_id: ObjectId
    percent: str  # "12.5" is 12.5 %


@dataclass(frozen=True)
class ActionSpec:
    type: str  # set_envelope | split | rename_payee | add_tags
    envelope_id: ObjectId | None = None
    parts: tuple[PartSpec, ...] = ()
    payee: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleSpec:
    name: str
    conditions: tuple[ConditionSpec, ...] = ()
    actions: tuple[ActionSpec, ...] = ()
    combine: str = "all"
    account_ids: tuple[ObjectId, ...] = ()
    stop: bool = False


@dataclass(frozen=True)
class CheckedRule:
    name: str
    combine: str
    stop: bool
    account_ids: list[ObjectId]
    conditions: list[ConditionRecord]
    actions: list[ActionRecord]


# --- from records to the domain's rules ------------------------------------------------------


def _minor(text: str, currency: str, up: bool) -> int:
    scaled = Decimal(text).scaleb(MINOR_DIGITS[currency])
    whole = int(scaled.to_integral_value(ROUND_CEILING if up else ROUND_FLOOR))
    return min(whole, MAX_AMOUNT_MINOR)


def condition_of(record: ConditionRecord, currency: str) -> Condition:
    if record.type in TEXT_TYPES:
        operator = TextOperator(record.operator or TextOperator.CONTAINS)
        return TextCondition(TEXT_TYPES[record.type], operator, record.value or "")
    if record.type == "amount":
        low, high = record.minimum, record.maximum
        return AmountCondition(
            None if low is None else _minor(low, currency, up=True),
            None if high is None else _minor(high, currency, up=False),
        )
    return KindCondition(EntryKind(record.kind or EntryKind.EXPENSE))


def action_of(record: ActionRecord) -> Action:
    match record.type:
        case "set_envelope":
            return SetEnvelope(record.envelope_id)
        case "split":
            return SplitByPercent(
                tuple(Percent(p.envelope_id, p.basis_points) for p in record.parts)
            )
        case "rename_payee":
            return RenamePayee(record.payee or "")
        case _:
            return AddTags(tuple(record.tags))


def rule_for(document: RuleDocument, currency: str) -> Rule:
    """The stored rule (checked when it was saved) as the domain runs it, for an account of
    `currency`."""
    return Rule(
        id=document.id,
        name=document.name,
        conditions=tuple(condition_of(c, currency) for c in document.conditions),
        actions=tuple(action_of(a) for a in document.actions),
        combine=Combine(document.combine),
        accounts=frozenset[Hashable](document.account_ids),
        stop=document.stop,
    )


def applies_to(document: RuleDocument, account: AccountRecord) -> bool:
    return account.owner_id == document.owner_id and (
        not document.account_ids or account.id in document.account_ids
    )


class StoredRules:
    """The categoriser's `RuleSource`: the account's owner's rules, read in `rules`' session
    (the recording's transaction, when there is one)."""

    def __init__(self, rules: RuleRepository) -> None:
        self.rules = rules

    async def rules_for(self, account: AccountRecord) -> Sequence[Rule]:
        documents = await self.rules.of_owner(account.owner_id)
        return [rule_for(d, account.currency) for d in documents if applies_to(d, account)]


def categoriser(suggester: Suggester, session: Session | None = None) -> Categoriser:
    """Stored rules (read in `session`: a change's transaction), then `suggester`."""
    return Categoriser(StoredRules(RuleRepository(session)), suggester)


# --- from a spec to checked records ---------------------------------------------------------


def _condition_record(spec: ConditionSpec) -> ConditionRecord:
    """The record of a condition (fields relative to it); the domain checks it afterwards."""
    if spec.type in TEXT_TYPES:
        if spec.operator is None:
            raise ValidationError("Choose how to compare the text.", field=["operator"])
        if spec.value is None:
            raise ValidationError("Give the text to compare with.", field=["value"])
        return ConditionRecord(type=spec.type, operator=spec.operator, value=spec.value)
    if spec.type == "amount":
        for name, bound in (("minimum", spec.minimum), ("maximum", spec.maximum)):
            if bound is not None and not _BOUND.match(bound):
                raise ValidationError(
                    "A bound is a decimal amount (at most 4 decimals), not negative.",
                    field=[name],
                )
        return ConditionRecord(
            type="amount",
            minimum=None if spec.minimum is None else str(Decimal(spec.minimum)),
            maximum=None if spec.maximum is None else str(Decimal(spec.maximum)),
        )
    if spec.type == "kind":
        if spec.kind not in (EntryKind.INCOME, EntryKind.EXPENSE):
            raise ValidationError("The kind is INCOME or EXPENSE.", field=["kind"])
        return ConditionRecord(type="kind", kind=spec.kind)
    raise ValidationError("Unknown condition type.", field=["type"])


def _basis_points(text: str) -> int:
    if not _PERCENT.match(text):
        raise ValidationError("A percentage such as 12.5 (at most 2 decimals).", field=["percent"])
    return int(Decimal(text).scaleb(2))


def _action_record(spec: ActionSpec) -> ActionRecord:
    match spec.type:
        case "set_envelope":
            if spec.envelope_id is None:
                raise ValidationError("Choose the envelope.", field=["envelopeId"])
            return ActionRecord(type=spec.type, envelope_id=spec.envelope_id)
        case "split":
            parts = []
            for i, part in enumerate(spec.parts):
                try:
                    points = _basis_points(part.percent)
                except ValidationError as error:
                    path = ["parts", str(i), "percent"]
                    raise ValidationError(error.message, field=path) from None
                parts.append(PartRecord(envelope_id=part.envelope_id, basis_points=points))
            return ActionRecord(type=spec.type, parts=parts)
        case "rename_payee":
            return ActionRecord(type=spec.type, payee=spec.payee or "")
        case "add_tags":
            return ActionRecord(type=spec.type, tags=list(spec.tags))
    raise ValidationError("Unknown action type.", field=["type"])


def _at(name: str, i: int, error: ValidationError) -> ValidationError:
    return ValidationError(error.message, field=[name, str(i), *(error.field or [])])


def _records(spec: RuleSpec) -> tuple[list[ConditionRecord], list[ActionRecord]]:
    conditions, actions = [], []
    for i, condition in enumerate(spec.conditions):
        try:
            conditions.append(_condition_record(condition))
        except ValidationError as error:
            raise _at("conditions", i, error) from None
    for i, action in enumerate(spec.actions):
        try:
            actions.append(_action_record(action))
        except ValidationError as error:
            raise _at("actions", i, error) from None
    return conditions, actions


def _envelope_paths(actions: Sequence[ActionRecord]) -> list[tuple[ObjectId, list[str]]]:
    found: list[tuple[ObjectId, list[str]]] = []
    for i, action in enumerate(actions):
        if action.envelope_id is not None:
            found.append((action.envelope_id, ["actions", str(i), "envelopeId"]))
        for j, part in enumerate(action.parts):
            found.append((part.envelope_id, ["actions", str(i), "parts", str(j), "envelopeId"]))
    return found


def check_accounts(
    spec: RuleSpec, owner_id: ObjectId, visible: Sequence[AccountRecord]
) -> list[AccountRecord]:
    """The accounts the rule may apply to: the listed ones (each owned by the rule's owner:
    NOT_FOUND for an account the caller cannot see, FORBIDDEN for one of someone else's they
    can), or every account the owner owns."""
    by_id = {account.id: account for account in visible}
    owned = [account for account in visible if account.owner_id == owner_id]
    if not spec.account_ids:
        return owned
    scope = []
    for i, account_id in enumerate(spec.account_ids):
        account = by_id.get(account_id)
        if account is None:
            raise NotFoundError("No such account.", field=["accountIds", str(i)])
        if account.owner_id != owner_id:
            raise ForbiddenError(
                "A rule applies to accounts you own; its owner's rules apply to the others.",
                field=["accountIds", str(i)],
            )
        scope.append(account)
    return scope


def checked(spec: RuleSpec, owner_id: ObjectId, visible: Sequence[AccountRecord]) -> CheckedRule:
    """The rule's stored parts; VALIDATION, NOT_FOUND or FORBIDDEN with the path at fault."""
    if spec.combine not in (Combine.ALL, Combine.ANY):
        raise ValidationError("Combine is ALL or ANY.", field=["combine"])
    conditions, actions = _records(spec)
    rule = Rule.make(
        None,
        spec.name,
        [condition_of(c, "CLF") for c in conditions],  # 4 decimals: every bound is exact
        [action_of(a) for a in actions],
        Combine(spec.combine),
    )
    scope = check_accounts(spec, owner_id, visible)
    for envelope_id, field in _envelope_paths(actions):
        if not any(_usable(account, envelope_id) for account in scope):
            raise NotFoundError(NO_ENVELOPE, field=field)
    return CheckedRule(
        name=rule.name,
        combine=spec.combine,
        stop=spec.stop,
        account_ids=list(dict.fromkeys(spec.account_ids)),
        conditions=conditions,
        actions=[_cleaned(a, c) for a, c in zip(actions, rule.actions, strict=True)],
    )


def _cleaned(record: ActionRecord, action: Action) -> ActionRecord:
    """The record as the domain cleaned it (payee spaces, tags once each)."""
    match action:
        case RenamePayee(payee):
            return record.model_copy(update={"payee": payee})
        case AddTags(tags):
            return record.model_copy(update={"tags": list(tags)})
    return record


def _usable(account: AccountRecord, envelope_id: ObjectId) -> bool:
    envelope = account.envelope(envelope_id)
    return envelope is not None and not envelope.deleted and not envelope.archived
