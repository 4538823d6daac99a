"""Queries of payday templates, and how `node(id)` loads one."""

from __future__ import annotations

import strawberry

from app.core.ids import ObjectId
from app.graphql.context import Info
from app.graphql.ledger.payment_sources.types import PaymentSource
from app.graphql.relay import Node, decode_id


@strawberry.type
class PaymentSourceQuery:
    @strawberry.field(description="One payday template; NOT_FOUND if not yours.")
    async def payment_source(self, info: Info, id: strawberry.ID) -> PaymentSource | None:
        viewer = await info.context.viewer()
        sources = info.context.services.payment_sources
        source, account = await sources.get(viewer, decode_id(id, "PaymentSource", "id"))
        return PaymentSource.from_document(source, account)


async def load_payment_source(info: Info, source_id: ObjectId) -> Node | None:
    sources = info.context.services.payment_sources
    found = await info.context.visible(lambda viewer: sources.get(viewer, source_id))
    return PaymentSource.from_document(*found) if found else None
