"""Queries of identity, and how `node(id)` loads a user (only the caller themself)."""

from __future__ import annotations

import strawberry

from app.core.ids import ObjectId
from app.graphql.auth.types import User
from app.graphql.context import Info
from app.graphql.relay import Node


@strawberry.type
class AuthQuery:
    @strawberry.field(description="The signed-in user. UNAUTHENTICATED without a valid token.")
    async def me(self, info: Info) -> User:
        viewer = await info.context.viewer()
        return User.from_document(await info.context.services.auth.current_user(viewer))


async def load_user(info: Info, user_id: ObjectId) -> Node | None:
    viewer = await info.context.viewer()
    if user_id != viewer.user_id:
        return None
    return User.from_document(await info.context.services.auth.current_user(viewer))
