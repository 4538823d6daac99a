"""Categorisation rules as the API shows and takes them.

Conditions and actions are flat: one object type per list, with a `type` and the optional
fields that type uses (a text condition: `operator` and `value`; an amount condition:
`minimum` and/or `maximum`; a kind condition: `kind`; an envelope action: `envelopeId`; a
split: `parts`; a rename: `payee`; tags: `tags`). Why not unions: GraphQL has no input unions
(and `@oneOf` inputs would nest every condition one level deeper), and the web editor keeps
one row per condition or action whose type is a drop-down: with one flat shape, the row it
shows is the object it sends back, and the rule it reads is the input it edits. The types of
the input and the output are the same, field for field.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from app.core.ids import ObjectId
from app.domain.conditions import TextOperator
from app.domain.entries import EntryKind
from app.domain.rules import Combine
from app.graphql.relay import Node, decode_id, to_global_id
from app.graphql.scalars import Decimal
from app.persistence.documents.rules import ActionRecord, ConditionRecord, RuleDocument
from app.services.categorisation.rule_book import ActionSpec, ConditionSpec, PartSpec, RuleSpec

strawberry.enum(TextOperator, name="RuleTextOperator")
strawberry.enum(Combine, name="RuleCombine", description="All conditions must hold, or any.")


@strawberry.enum(description="What a condition looks at.")
class RuleConditionType(Enum):
    PAYEE = "payee"
    MEMO = "memo"
    AMOUNT = "amount"
    KIND = "kind"


@strawberry.enum(description="What an action does.")
class RuleActionType(Enum):
    SET_ENVELOPE = "set_envelope"
    SPLIT = "split"
    RENAME_PAYEE = "rename_payee"
    ADD_TAGS = "add_tags"


def _percent(basis_points: int) -> Decimal:
    whole, rest = divmod(basis_points, 100)
    return Decimal(f"{whole}.{rest:02d}".rstrip("0").rstrip(".") if rest else str(whole))


CONDITION_HELP = (
    "PAYEE/MEMO: operator and value; AMOUNT: minimum and/or maximum (the size of the amount, "
    "money in or out alike, inclusive); KIND: kind."
)
ACTION_HELP = (
    "SET_ENVELOPE: envelopeId; SPLIT: parts (2 or more, adding up to 100); RENAME_PAYEE: "
    "payee; ADD_TAGS: tags."
)


@strawberry.type(description=CONDITION_HELP)
class RuleCondition:
    type: RuleConditionType
    operator: TextOperator | None = None
    value: str | None = strawberry.field(
        default=None, description="MATCHES takes a pattern: * any text, ? one character, | or."
    )
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    kind: EntryKind | None = strawberry.field(default=None, description="INCOME or EXPENSE.")

    @classmethod
    def from_record(cls, record: ConditionRecord) -> RuleCondition:
        return cls(
            type=RuleConditionType(record.type),
            operator=TextOperator(record.operator) if record.operator else None,
            value=record.value,
            minimum=Decimal(record.minimum) if record.minimum is not None else None,
            maximum=Decimal(record.maximum) if record.maximum is not None else None,
            kind=EntryKind(record.kind) if record.kind else None,
        )


@strawberry.type
class RuleSplitPart:
    envelope_id: strawberry.ID
    percent: Decimal = strawberry.field(description='A percentage, e.g. "12.5".')


@strawberry.type(description=ACTION_HELP)
class RuleAction:
    type: RuleActionType
    envelope_id: strawberry.ID | None = None
    parts: list[RuleSplitPart] = strawberry.field(default_factory=list)
    payee: str | None = None
    tags: list[str] = strawberry.field(default_factory=list)

    @classmethod
    def from_record(cls, record: ActionRecord) -> RuleAction:
        envelope = record.envelope_id
        return cls(
            type=RuleActionType(record.type),
            envelope_id=to_global_id("Envelope", envelope) if envelope else None,
            parts=[
                RuleSplitPart(
                    envelope_id=to_global_id("Envelope", p.envelope_id),
                    percent=_percent(p.basis_points),
                )
                for p in record.parts
            ],
            payee=record.payee,
            tags=list(record.tags),
        )


@strawberry.type(description="A categorisation rule of its owner's, applied in order.")
class Rule(Node):
    name: str
    position: int = strawberry.field(description="0, 1, 2… in the order rules run.")
    combine: Combine
    stop: bool = strawberry.field(description="When it applies, later rules are not tried.")
    account_ids: list[strawberry.ID] = strawberry.field(
        description="The accounts it applies to; empty: every account of its owner."
    )
    conditions: list[RuleCondition] = strawberry.field(
        description="None: every transaction of its accounts."
    )
    actions: list[RuleAction]
    mine: bool = strawberry.field(description="Whether you own it (and may change it).")

    @classmethod
    def from_document(cls, rule: RuleDocument, viewer_id: ObjectId) -> Rule:
        return cls(
            id=to_global_id("Rule", rule.id),
            name=rule.name,
            position=rule.position,
            combine=Combine(rule.combine),
            stop=rule.stop,
            account_ids=[to_global_id("Account", a) for a in rule.account_ids],
            conditions=[RuleCondition.from_record(c) for c in rule.conditions],
            actions=[RuleAction.from_record(a) for a in rule.actions],
            mine=rule.owner_id == viewer_id,
        )


# --- inputs ----------------------------------------------------------------------------------


@strawberry.input(description="As `RuleCondition`.")
class RuleConditionInput:
    type: RuleConditionType
    operator: TextOperator | None = None
    value: str | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    kind: EntryKind | None = None

    def to_spec(self) -> ConditionSpec:
        return ConditionSpec(
            type=self.type.value,
            operator=self.operator.value if self.operator else None,
            value=self.value,
            minimum=self.minimum,
            maximum=self.maximum,
            kind=self.kind.value if self.kind else None,
        )


@strawberry.input
class RuleSplitPartInput:
    envelope_id: strawberry.ID
    percent: Decimal


@strawberry.input(description="As `RuleAction`.")
class RuleActionInput:
    type: RuleActionType
    envelope_id: strawberry.ID | None = None
    parts: list[RuleSplitPartInput] | None = None
    payee: str | None = None
    tags: list[str] | None = None

    def to_spec(self, i: int) -> ActionSpec:
        path = ["actions", str(i)]
        return ActionSpec(
            type=self.type.value,
            envelope_id=None
            if self.envelope_id is None
            else decode_id(self.envelope_id, "Envelope", [*path, "envelopeId"]),
            parts=tuple(
                PartSpec(
                    decode_id(p.envelope_id, "Envelope", [*path, "parts", str(j), "envelopeId"]),
                    p.percent,
                )
                for j, p in enumerate(self.parts or ())
            ),
            payee=self.payee,
            tags=tuple(self.tags or ()),
        )


@strawberry.input
class RuleFields:
    """The fields of a rule (mixed into the create and update inputs)."""

    name: str
    conditions: list[RuleConditionInput] = strawberry.field(
        default_factory=list, description="At most 20; none: every transaction."
    )
    actions: list[RuleActionInput] = strawberry.field(
        default_factory=list, description="1 to 10, applied in order."
    )
    combine: Combine = Combine.ALL
    account_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Accounts you own; empty: all of them."
    )
    stop: bool = False

    def spec(self) -> RuleSpec:
        return RuleSpec(
            name=self.name,
            conditions=tuple(c.to_spec() for c in self.conditions),
            actions=tuple(a.to_spec(i) for i, a in enumerate(self.actions)),
            combine=self.combine.value,
            account_ids=tuple(
                decode_id(a, "Account", ["accountIds", str(i)])
                for i, a in enumerate(self.account_ids)
            ),
            stop=self.stop,
        )
