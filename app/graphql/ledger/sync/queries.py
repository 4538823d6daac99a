"""The delta-sync query."""

from __future__ import annotations

import strawberry

from app.graphql.context import Info
from app.graphql.engine.cost import SHARED_PAGE
from app.graphql.ledger.sync.types import Changes
from app.services.sync.changes import DEFAULT_FIRST, MAX_FIRST


@strawberry.type
class SyncQuery:
    @strawberry.field(
        description="Delta sync: what changed in your accounts since `since` (a `cursor` "
        "this returned; none: everything), at most `first` objects a page (default "
        f"{DEFAULT_FIRST}, at most {MAX_FIRST}; an account whose own changes are more comes "
        "whole, on a page of its own). Nothing is missed or delivered twice. "
        "A cursor that is not one of ours is a VALIDATION error.",
        metadata={SHARED_PAGE: True},  # its lists' lengths add up to at most `first`
    )
    async def changes(
        self, info: Info, since: str | None = None, first: int | None = None
    ) -> Changes:
        viewer = await info.context.viewer()
        found = await info.context.services.sync.changes(viewer, since, first)
        return Changes.from_result(found, viewer.user_id)
