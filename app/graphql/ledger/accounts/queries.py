"""Queries of accounts, and how `node(id)` loads one."""

from __future__ import annotations

import strawberry

from app.core.errors import ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.graphql.context import Info
from app.graphql.ledger.accounts.types import Account
from app.graphql.ledger.history.prefetch import PageAhead, PrefetchedPage, page_ahead
from app.graphql.relay import Node, decode_id


@strawberry.type
class AccountQuery:
    @strawberry.field(description="Accounts you own or that are shared with you.")
    async def accounts(self, info: Info, include_closed: bool = False) -> list[Account]:
        accounts = info.context.services.accounts

        async def read(viewer: Viewer) -> list[Account]:
            found = await accounts.list(viewer, include_closed)
            return [Account.from_document(account, viewer.user_id) for account in found]

        return await info.context.read_as_viewer(read)

    @strawberry.field(description="One account; NOT_FOUND if it does not exist or is not yours.")
    async def account(self, info: Info, id: strawberry.ID) -> Account | None:
        account_id, accounts = decode_id(id, "Account", "id"), info.context.services.accounts
        ahead = page_ahead(info, "Account")  # a history page below: read with the account

        async def read(viewer: Viewer) -> Account:
            if ahead is not None:
                try:
                    return await _with_page(info, viewer, account_id, ahead)
                except ValidationError:
                    pass  # a malformed cursor: `transactions` reports it
            return Account.from_document(await accounts.get(viewer, account_id), viewer.user_id)

        return await info.context.read_as_viewer(read)


async def _with_page(info: Info, viewer: Viewer, account_id: ObjectId, ahead: PageAhead) -> Account:
    history = info.context.services.history
    document, page, members = await history.account_with_page(
        viewer, account_id, ahead.request, ahead.size
    )
    for user_id in document.member_ids:
        info.context.profiles.prime(user_id, members.get(user_id))
    account = Account.from_document(document, viewer.user_id)
    account.prefetched_page = PrefetchedPage(ahead.node, page)
    return account


async def load_account(info: Info, account_id: ObjectId) -> Node | None:
    accounts = info.context.services.accounts

    async def read(viewer: Viewer) -> Account:
        return Account.from_document(await accounts.get(viewer, account_id), viewer.user_id)

    return await info.context.visible(read)
