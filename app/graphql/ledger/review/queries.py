"""The review queue of an account: entries flagged for a look (imported with no envelope)."""

from __future__ import annotations

import strawberry

from app.core.viewer import Viewer
from app.graphql.context import Info
from app.graphql.ledger.history.types import TransactionConnection
from app.graphql.relay import decode_id, page_request


@strawberry.type
class ReviewQueueQuery:
    @strawberry.field(
        description="The account's entries waiting for review, newest booking date first. "
        "Recategorising one (or markReviewed) takes it out."
    )
    async def review_queue(
        self,
        info: Info,
        account_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> TransactionConnection:
        account_id_ = decode_id(account_id, "Account", "accountId")
        request, size = page_request(first, after, None, None)
        services = info.context.services

        async def read(viewer: Viewer) -> TransactionConnection:
            account = await services.accounts.get(viewer, account_id_, "accountId")
            page = await services.corrections.review_queue(account, request, size)
            return await TransactionConnection.from_page(page, account, info)

        return await info.context.read_as_viewer(read)
