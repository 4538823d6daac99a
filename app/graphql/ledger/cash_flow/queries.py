"""Queries of cash flow: the computed picture of a period, and the planning model."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.graphql.context import Info
from app.graphql.ledger.cash_flow.types import CashFlow, PlanningFlow, PlanningModel, PlanningNode
from app.graphql.relay import Node, decode_optional_id
from app.services.cash_flow.pictures import DEFAULT_TOP_PAYEES, CashFlowQuery


@strawberry.type
class CashFlowQueries:
    @strawberry.field(
        description="Where the money of the period (booking dates, both ends included, at most "
        "3660 days) came from and went, over your accounts in `currency`, as a Sankey "
        "diagram; the `topPayees` (0 to 50) largest payees by spending are nodes, the others "
        "one 'Other payees' node."
    )
    async def cash_flow(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        currency: str,
        top_payees: int = DEFAULT_TOP_PAYEES,
    ) -> CashFlow:
        pictures = info.context.services.cash_flow
        query = CashFlowQuery(from_, to, currency, top_payees)

        async def read(viewer: Viewer) -> CashFlow:
            return CashFlow.of(await pictures.picture(viewer, query), viewer.user_id)

        return await info.context.read_as_viewer(read)

    @strawberry.field(
        description="Your household's planning model; with accountId, that of the household "
        "of the account's owner (members read it; editors and above change it)."
    )
    async def planning_model(
        self, info: Info, account_id: strawberry.ID | None = None
    ) -> PlanningModel:
        wanted = decode_optional_id(account_id, "Account", "accountId")
        planning = info.context.services.planning

        async def read(viewer: Viewer) -> PlanningModel:
            return PlanningModel.of(await planning.model(viewer, wanted))

        return await info.context.read_as_viewer(read)


async def load_planning_node(info: Info, node_id: ObjectId) -> Node | None:
    planning = info.context.services.planning

    async def read(viewer: Viewer) -> PlanningNode:
        saved = await planning.visible_node(viewer, node_id)
        return PlanningNode.of(saved.node, saved.currency)

    return await info.context.visible(read)


async def load_planning_flow(info: Info, flow_id: ObjectId) -> Node | None:
    planning = info.context.services.planning

    async def read(viewer: Viewer) -> PlanningFlow:
        saved = await planning.visible_flow(viewer, flow_id)
        return PlanningFlow.of(saved.flow, saved.currency)

    return await info.context.visible(read)
