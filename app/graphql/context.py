"""The typed context of every GraphQL request: services, client info, the caller."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bson import ObjectId
from fastapi import Request
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext
from strawberry.types import Info as StrawberryInfo

from app.core.errors import UnauthenticatedError
from app.services.auth import ClientInfo, Viewer
from app.services.container import Services


class Context(BaseContext):
    def __init__(self, services: Services, http_request: Request) -> None:
        super().__init__()
        self.services = services
        self.client = ClientInfo(
            ip=http_request.client.host if http_request.client else None,
            user_agent=http_request.headers.get("user-agent"),
        )
        self._authorization = http_request.headers.get("authorization")
        self._viewer: Viewer | None = None
        # Who recorded an entry / who is a member: one query per request for all of them.
        self.profiles: DataLoader[ObjectId, dict[str, Any] | None] = DataLoader(
            load_fn=self._load_profiles
        )

    async def _load_profiles(self, user_ids: Sequence[ObjectId]) -> list[dict[str, Any] | None]:
        found = await self.services.history.profiles(list(user_ids))
        return [found.get(user_id) for user_id in user_ids]

    async def viewer(self) -> Viewer:
        """The authenticated caller; UNAUTHENTICATED when the bearer token is missing or bad."""
        if self._viewer is None:
            scheme, _, token = (self._authorization or "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise UnauthenticatedError("Sign in first: send 'Authorization: Bearer <token>'.")
            self._viewer = await self.services.auth.authenticate(token.strip())
        return self._viewer


Info = StrawberryInfo[Context, None]


async def get_context(request: Request) -> Context:
    return Context(request.app.state.services, request)
