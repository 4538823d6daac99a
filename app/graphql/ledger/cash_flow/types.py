"""Cash-flow diagrams and the planning model as the API shows them.

A diagram is `nodes` and `links` as chart libraries take them (recharts' `Sankey`, d3-sankey):
a link's `source` and `target` are indexes into `nodes`, its `value` exact money (a decimal
string; a chart converts it to a number only to draw). A node's `id` is its key within the
diagram (an account's is "account:…"; a planning node's its global id).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import strawberry

from app.core.ids import ObjectId
from app.domain.members import Permission, allows
from app.domain.planning import PlannedFlow, PlannedNode, PlanningKind, model_sankey
from app.domain.sankey import NodeKind
from app.domain.sankey import Sankey as SankeyDiagram
from app.graphql.ledger.accounts.types import Account
from app.graphql.relay import Node, to_global_id
from app.graphql.scalars import Money, money
from app.persistence.documents.planning import PlanningFlowDocument, PlanningNodeDocument
from app.services.cash_flow.pictures import CashFlowPicture
from app.services.cash_flow.planning_specs import PlanningModel as Model

strawberry.enum(NodeKind, name="SankeyNodeKind", description="What a diagram's node stands for.")
strawberry.enum(PlanningKind, name="PlanningNodeKind")


@strawberry.type(description="A node of a diagram.")
class SankeyNode:
    id: str = strawberry.field(description="Its key within the diagram.")
    label: str
    kind: NodeKind


@strawberry.type(description="Money from one node to another, > 0.")
class SankeyLink:
    source: int = strawberry.field(description="The index of the node it leaves, in `nodes`.")
    target: int = strawberry.field(description="The index of the node it reaches.")
    value: Money


@strawberry.type(description="A Sankey diagram: nodes, and links by node index.")
class Sankey:
    nodes: list[SankeyNode]
    links: list[SankeyLink]

    @classmethod
    def of(
        cls, diagram: SankeyDiagram, currency: str, ids: Mapping[str, str] | None = None
    ) -> Sankey:
        rename = ids or {}
        return cls(
            nodes=[SankeyNode(id=rename.get(n.id, n.id), label=n.label, kind=n.kind)
                   for n in diagram.nodes],
            links=[SankeyLink(source=k.source, target=k.target, value=money(k.value, currency))
                   for k in diagram.links],
        )  # fmt: skip


@strawberry.type(
    description="Where the money of a period came from and went: income sources → accounts → "
    "envelopes → top payees (the rest grouped). Every account node balances: spending beyond "
    "what came in is drawn from 'From balance', what was not spent goes to 'Kept in "
    "accounts'. Transfers between two accounts of the picture are one link per pair, netted."
)
class CashFlow:
    from_: date = strawberry.field(name="from")
    to: date
    currency: str
    nodes: list[SankeyNode]
    links: list[SankeyLink]
    excluded_accounts: list[Account] = strawberry.field(
        description="Your accounts in other currencies, left out of the picture."
    )

    @classmethod
    def of(cls, picture: CashFlowPicture, viewer_id: ObjectId) -> CashFlow:
        sankey = Sankey.of(picture.sankey, picture.currency)
        return cls(
            from_=picture.start,
            to=picture.end,
            currency=picture.currency,
            nodes=sankey.nodes,
            links=sankey.links,
            excluded_accounts=[Account.from_document(a, viewer_id) for a in picture.excluded],
        )


@strawberry.type
class PlanningMetadata:
    key: str
    value: str


@strawberry.type(description="A node of a household's planning model.")
class PlanningNode(Node):
    kind: PlanningKind
    label: str
    institution: str | None
    amount: Money | None
    balance: Money | None
    apy: str | None = strawberry.field(description='A percentage as a decimal string ("4.25").')
    metadata: list[PlanningMetadata]

    @classmethod
    def of(cls, node: PlanningNodeDocument, currency: str | None) -> PlanningNode:
        def value(minor: int | None) -> Money | None:
            return None if minor is None or currency is None else money(minor, currency)

        return cls(
            id=to_global_id("PlanningNode", node.id),
            kind=PlanningKind(node.kind),
            label=node.label,
            institution=node.institution,
            amount=value(node.amount),
            balance=value(node.balance),
            apy=node.apy,
            metadata=[PlanningMetadata(key=m.key, value=m.value) for m in node.metadata],
        )


@strawberry.type(description="Money planned to flow from one node to another.")
class PlanningFlow(Node):
    from_id: strawberry.ID = strawberry.field(name="fromId")
    to_id: strawberry.ID
    amount: Money
    label: str | None

    @classmethod
    def of(cls, flow: PlanningFlowDocument, currency: str) -> PlanningFlow:
        return cls(
            id=to_global_id("PlanningFlow", flow.id),
            from_id=to_global_id("PlanningNode", flow.source_id),
            to_id=to_global_id("PlanningNode", flow.target_id),
            amount=money(flow.amount, currency),
            label=flow.label,
        )


@strawberry.type(description="A household's planning model: nodes, flows, and its diagram.")
class PlanningModel:
    currency: str | None = strawberry.field(
        description="The currency of its money (that of the first money given; none yet: null)."
    )
    can_edit: bool = strawberry.field(description="Whether you may change it (editor or above).")
    nodes: list[PlanningNode] = strawberry.field(
        description="In the order they were created; at most 200: a list, not a connection."
    )
    flows: list[PlanningFlow] = strawberry.field(
        description="In the order they were created; at most 1000."
    )
    sankey: Sankey = strawberry.field(description="The flows as a diagram (nodes with flows).")

    @classmethod
    def of(cls, model: Model) -> PlanningModel:
        currency = model.currency
        diagram = model_sankey(
            [PlannedNode(str(n.id), n.label, PlanningKind(n.kind)) for n in model.nodes],
            [PlannedFlow(str(f.source_id), str(f.target_id), f.amount) for f in model.flows],
        )
        ids = {str(n.id): to_global_id("PlanningNode", n.id) for n in model.nodes}
        return cls(
            currency=currency,
            can_edit=allows(model.role, Permission.RECORD),
            nodes=[PlanningNode.of(n, currency) for n in model.nodes],
            flows=[PlanningFlow.of(f, currency) for f in model.flows] if currency else [],
            sankey=Sankey.of(diagram, currency, ids) if currency else Sankey(nodes=[], links=[]),
        )
