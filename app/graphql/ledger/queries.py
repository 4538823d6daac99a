"""Queries of the ledger, and how `node(id)` loads its objects for the caller."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from bson import ObjectId

from app.core.errors import NotFoundError
from app.graphql.context import Info
from app.graphql.ledger.account_type import Account
from app.graphql.ledger.ids import raw_id
from app.graphql.ledger.types import Envelope, PaymentSource, Transaction
from app.graphql.relay import Node
from app.services.auth import Viewer

T = TypeVar("T")


async def _with_viewer(viewer: Viewer, read: Awaitable[T]) -> tuple[Viewer, T]:
    return viewer, await read


@strawberry.type
class LedgerQuery:
    @strawberry.field(description="Accounts you own or that are shared with you.")
    async def accounts(self, info: Info, include_closed: bool = False) -> list[Account]:
        accounts = info.context.services.accounts
        viewer, rows = await info.context.read_as_viewer(
            lambda viewer: _with_viewer(viewer, accounts.list(viewer, include_closed))
        )
        return [Account.from_row(r, viewer.user_id) for r in rows]

    @strawberry.field(description="One account; NOT_FOUND if it does not exist or is not yours.")
    async def account(self, info: Info, id: strawberry.ID) -> Account | None:
        account_id, accounts = raw_id(id, "Account", "id"), info.context.services.accounts
        viewer, row = await info.context.read_as_viewer(
            lambda viewer: _with_viewer(viewer, accounts.get(viewer, account_id))
        )
        return Account.from_row(row, viewer.user_id)

    @strawberry.field(description="One entry; NOT_FOUND if it does not exist or is not yours.")
    async def transaction(self, info: Info, id: strawberry.ID) -> Transaction | None:
        entry_id, history = raw_id(id, "Transaction", "id"), info.context.services.history
        entry, account = await info.context.read_as_viewer(
            lambda viewer: history.entry(viewer, entry_id)
        )
        return Transaction.from_row(entry, account)

    @strawberry.field(description="One payday template; NOT_FOUND if not yours.")
    async def payment_source(self, info: Info, id: strawberry.ID) -> PaymentSource | None:
        viewer = await info.context.viewer()
        sources = info.context.services.payment_sources
        row, account = await sources.get(viewer, raw_id(id, "PaymentSource", "id"))
        return PaymentSource.from_row(row, account)


async def _load_account(info: Info, raw: ObjectId) -> Node | None:
    viewer = await info.context.viewer()
    try:
        row = await info.context.services.accounts.get(viewer, raw)
    except NotFoundError:
        return None
    return Account.from_row(row, viewer.user_id)


async def _load_envelope(info: Info, raw: ObjectId) -> Node | None:
    viewer = await info.context.viewer()
    account = await info.context.services.accounts.with_envelope(viewer, raw)
    if account is None:
        return None
    row = next(e for e in account["envelopes"] if e["id"] == raw)
    return None if row.get("deleted") else Envelope.from_row(row, account["currency"])


async def _load_transaction(info: Info, raw: ObjectId) -> Node | None:
    viewer = await info.context.viewer()
    try:
        entry, account = await info.context.services.history.entry(viewer, raw)
    except NotFoundError:
        return None
    return Transaction.from_row(entry, account)


async def _load_source(info: Info, raw: ObjectId) -> Node | None:
    viewer = await info.context.viewer()
    try:
        row, account = await info.context.services.payment_sources.get(viewer, raw)
    except NotFoundError:
        return None
    return PaymentSource.from_row(row, account)


LEDGER_LOADERS: dict[str, Callable[[Info, ObjectId], Awaitable[Node | None]]] = {
    "Account": _load_account,
    "Envelope": _load_envelope,
    "Transaction": _load_transaction,
    "PaymentSource": _load_source,
}
