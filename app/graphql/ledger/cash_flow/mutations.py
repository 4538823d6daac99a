"""Planning model mutations: nodes and flows created, changed and deleted, and the model
seeded from the ledger."""

from __future__ import annotations

from datetime import date

import strawberry

from app.domain.planning import PlanningKind
from app.graphql.ledger.cash_flow.types import PlanningFlow, PlanningModel, PlanningNode
from app.graphql.mutations import Caller, Payload, UserError, mutation_field
from app.graphql.relay import decode_id, decode_optional_id, to_global_id
from app.graphql.scalars import Decimal
from app.persistence.documents.planning import PlanningFlowDocument
from app.services.cash_flow.planning_specs import (
    CreateFlow,
    CreateNode,
    DeletedNode,
    FlowRef,
    FlowSpec,
    NodeRef,
    NodeSpec,
    SavedFlow,
    SavedNode,
    UpdateFlow,
    UpdateNode,
)
from app.services.cash_flow.planning_specs import PlanningModel as Model
from app.services.cash_flow.seeding import SeedPlanning


@strawberry.input
class PlanningMetadataInput:
    key: str
    value: str


@strawberry.input
class PlanningNodeFields:
    """The fields of a node (mixed into the create and update inputs)."""

    kind: PlanningKind
    label: str
    institution: str | None = None
    amount: Decimal | None = strawberry.field(default=None, description="> 0, when given.")
    balance: Decimal | None = strawberry.field(
        default=None, description="May be negative (a debt)."
    )
    currency: str | None = strawberry.field(
        default=None,
        description="Of amount and balance; default: the model's (required while it has none).",
    )
    apy: str | None = strawberry.field(default=None, description='A percentage, e.g. "4.25".')
    metadata: list[PlanningMetadataInput] = strawberry.field(
        default_factory=list, description="At most 20, keys distinct."
    )

    def spec(self) -> NodeSpec:
        return NodeSpec(
            kind=self.kind,
            label=self.label,
            institution=self.institution,
            amount=self.amount,
            balance=self.balance,
            currency=self.currency,
            apy=self.apy,
            metadata=tuple((m.key, m.value) for m in self.metadata),
        )


@strawberry.input(description="A new node of a household's planning model.")
class CreatePlanningNodeInput(PlanningNodeFields):
    account_id: strawberry.ID | None = strawberry.field(
        default=None, description="The household of this account's owner; none: yours."
    )

    def to_command(self) -> CreateNode:
        return CreateNode(self.spec(), decode_optional_id(self.account_id, "Account", "accountId"))


@strawberry.input(description="Every field of the node, as it is to be.")
class UpdatePlanningNodeInput(PlanningNodeFields):
    id: strawberry.ID

    def to_command(self) -> UpdateNode:
        return UpdateNode(decode_id(self.id, "PlanningNode", "id"), self.spec())


@strawberry.input
class DeletePlanningNodeInput:
    id: strawberry.ID

    def to_command(self) -> NodeRef:
        return NodeRef(decode_id(self.id, "PlanningNode", "id"))


@strawberry.input
class PlanningFlowFields:
    from_: strawberry.ID = strawberry.field(name="from")
    to: strawberry.ID
    amount: Decimal = strawberry.field(description="> 0.")
    currency: str | None = strawberry.field(
        default=None, description="Default: the model's (required while it has none)."
    )
    label: str | None = None

    def spec(self) -> FlowSpec:
        return FlowSpec(
            source_id=decode_id(self.from_, "PlanningNode", "from"),
            target_id=decode_id(self.to, "PlanningNode", "to"),
            amount=self.amount,
            currency=self.currency,
            label=self.label,
        )


@strawberry.input(description="A new flow between two nodes of one household's model.")
class CreatePlanningFlowInput(PlanningFlowFields):
    def to_command(self) -> CreateFlow:
        return CreateFlow(self.spec())


@strawberry.input(description="Every field of the flow, as it is to be.")
class UpdatePlanningFlowInput(PlanningFlowFields):
    id: strawberry.ID

    def to_command(self) -> UpdateFlow:
        return UpdateFlow(decode_id(self.id, "PlanningFlow", "id"), self.spec())


@strawberry.input
class DeletePlanningFlowInput:
    id: strawberry.ID

    def to_command(self) -> FlowRef:
        return FlowRef(decode_id(self.id, "PlanningFlow", "id"))


@strawberry.input(description="Seed the planning model from the ledger's picture of a period.")
class SeedPlanningFromLedgerInput:
    from_: date = strawberry.field(name="from")
    to: date
    currency: str
    replace: bool = strawberry.field(
        default=False,
        description="Replace a model that is not empty (otherwise CONFLICT).",
    )
    account_id: strawberry.ID | None = strawberry.field(
        default=None, description="The household of this account's owner; none: yours."
    )

    def to_command(self) -> SeedPlanning:
        account_id = decode_optional_id(self.account_id, "Account", "accountId")
        return SeedPlanning(self.from_, self.to, self.currency, self.replace, account_id)


@strawberry.type
class PlanningNodePayload(Payload):
    node: PlanningNode | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, saved: SavedNode, caller: Caller) -> PlanningNodePayload:
        return cls(node=PlanningNode.of(saved.node, saved.currency))


@strawberry.type
class DeletePlanningNodePayload(Payload):
    deleted_node_id: strawberry.ID | None = None
    deleted_flow_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="The node's flows, deleted with it."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, deleted: DeletedNode, caller: Caller) -> DeletePlanningNodePayload:
        return cls(
            deleted_node_id=to_global_id("PlanningNode", deleted.node.id),
            deleted_flow_ids=[to_global_id("PlanningFlow", i) for i in deleted.flow_ids],
        )


@strawberry.type
class PlanningFlowPayload(Payload):
    flow: PlanningFlow | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, saved: SavedFlow, caller: Caller) -> PlanningFlowPayload:
        return cls(flow=PlanningFlow.of(saved.flow, saved.currency))


@strawberry.type
class DeletePlanningFlowPayload(Payload):
    deleted_flow_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, flow: PlanningFlowDocument, caller: Caller) -> DeletePlanningFlowPayload:
        return cls(deleted_flow_id=to_global_id("PlanningFlow", flow.id))


@strawberry.type
class SeedPlanningPayload(Payload):
    model: PlanningModel | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, model: Model, caller: Caller) -> SeedPlanningPayload:
        return cls(model=PlanningModel.of(model))


@strawberry.type
class PlanningMutation:
    create_planning_node = mutation_field(
        "A node of your household's planning model (editor or above).",
        CreatePlanningNodeInput,
        PlanningNodePayload,
        lambda services: services.planning.create_node,
    )
    update_planning_node = mutation_field(
        "Change a node (every field).",
        UpdatePlanningNodeInput,
        PlanningNodePayload,
        lambda services: services.planning.update_node,
    )
    delete_planning_node = mutation_field(
        "Delete a node and its flows (one change).",
        DeletePlanningNodeInput,
        DeletePlanningNodePayload,
        lambda services: services.planning.delete_node,
    )
    create_planning_flow = mutation_field(
        "A flow between two nodes of one household's model: VALIDATION for a flow to itself, "
        "an amount ≤ 0 or money in another currency than the model's, CYCLE for one that "
        "would close a cycle, NOT_FOUND for a node of another household.",
        CreatePlanningFlowInput,
        PlanningFlowPayload,
        lambda services: services.planning.create_flow,
    )
    update_planning_flow = mutation_field(
        "Change a flow (every field), with the checks of createPlanningFlow.",
        UpdatePlanningFlowInput,
        PlanningFlowPayload,
        lambda services: services.planning.update_flow,
    )
    delete_planning_flow = mutation_field(
        "Delete a flow.",
        DeletePlanningFlowInput,
        DeletePlanningFlowPayload,
        lambda services: services.planning.delete_flow,
    )
    seed_planning_from_ledger = mutation_field(
        "Make the planning model the ledger's picture of a period (your accounts of the "
        "household in `currency`): income sources, accounts, envelopes as expenses, and the "
        "money between them. It replaces the model: one that is not empty needs `replace` "
        "(else CONFLICT).",
        SeedPlanningFromLedgerInput,
        SeedPlanningPayload,
        lambda services: services.planning_seeds.seed,
    )
