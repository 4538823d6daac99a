"""Queries of single entries, and how `node(id)` loads one (pages are `Account.transactions`)."""

from __future__ import annotations

import strawberry

from app.core.errors import NotFoundError
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
    viewer = await info.context.viewer()
    try:
        entry, account = await info.context.services.history.entry(viewer, entry_id)
    except NotFoundError:
        return None
    return Transaction.from_record(entry, account)
