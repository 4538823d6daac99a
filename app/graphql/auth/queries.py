from __future__ import annotations

import strawberry

from app.graphql.auth.types import User
from app.graphql.context import Info


@strawberry.type
class AuthQuery:
    @strawberry.field(description="The signed-in user. UNAUTHENTICATED without a valid token.")
    async def me(self, info: Info) -> User:
        viewer = await info.context.viewer()
        return User.from_document(await info.context.services.auth.current_user(viewer))
