"""Queries of single entries, and how `node(id)` loads one (pages are `Account.transactions`)."""

from __future__ import annotations

import strawberry

from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.graphql.context import Info
from app.graphql.ledger.history.types import Transaction
from app.graphql.relay import Node, decode_id


@strawberry.type
class HistoryQuery:
    @strawberry.field(description="One entry; NOT_FOUND if it does not exist or is not yours.")
    async def transaction(self, info: Info, id: strawberry.ID) -> Transaction | None:
        entry_id, history = decode_id(id, "Transaction", "id"), info.context.services.history

        async def read(viewer: Viewer) -> Transaction:
            return Transaction.from_record(*await history.entry(viewer, entry_id))

        return await info.context.read_as_viewer(read)


async def load_transaction(info: Info, entry_id: ObjectId) -> Node | None:
    history = info.context.services.history
    found = await info.context.visible(lambda viewer: history.entry(viewer, entry_id))
    return Transaction.from_record(*found) if found else None
