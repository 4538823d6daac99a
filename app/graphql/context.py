"""The typed context of every GraphQL request: services, client info, the caller, and the
HTTP request and response (for the headers and cookies of the answer). A WebSocket has one
context for its whole life, authenticated once by `open_socket`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TypeVar

from fastapi import Response
from starlette.requests import HTTPConnection
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext
from strawberry.types import Info as StrawberryInfo

from app.core.errors import NotFoundError, UnauthenticatedError
from app.core.ids import ObjectId
from app.core.viewer import ClientInfo, Viewer
from app.persistence.documents.auth import UserProfile
from app.services.container import Services

T = TypeVar("T")


class Context(BaseContext):
    def __init__(self, services: Services, http_request: HTTPConnection) -> None:
        super().__init__()
        self.services = services
        self.http_request = http_request
        self.client = ClientInfo(
            ip=http_request.client.host if http_request.client else None,
            user_agent=http_request.headers.get("user-agent"),
        )
        is_socket = http_request.scope["type"] == "websocket"
        # A socket's token comes in its connection_init message, never its handshake.
        self._authorization = None if is_socket else http_request.headers.get("authorization")
        self._confirming: tuple[Viewer, asyncio.Future[Viewer]] | None = None
        # Who recorded an entry / who is a member: one query per request for all of them.
        self.profiles: DataLoader[ObjectId, UserProfile | None] = DataLoader(
            load_fn=self._load_profiles
        )
        self.caller: UserProfile | None = None  # the caller's own profile, once confirmed

    @property
    def http_response(self) -> Response:
        """The response the answer is merged into: its headers and cookies reach the client
        (Strawberry's FastAPI router sets it as `response` once this context is built)."""
        if not isinstance(self.response, Response):
            raise RuntimeError("no HTTP response: not an HTTP request")
        return self.response

    async def open_socket(self) -> datetime:
        """Authenticate a WebSocket by the token of its `connection_init` payload
        (`{"authorization": "Bearer …"}`): when the token expires; UNAUTHENTICATED as
        `viewer()` otherwise."""
        params = self.connection_params if isinstance(self.connection_params, dict) else {}
        authorization = params.get("authorization", params.get("Authorization"))
        self._authorization = authorization if isinstance(authorization, str) else None
        self._confirming = None
        await self.viewer()
        _scheme, _, token = (self._authorization or "").partition(" ")
        return self.services.auth.expires_at(token.strip())

    @property
    def shared_identity(self) -> ObjectId | None:
        """Who a socket's subscription events are executed for (its token was confirmed when
        it connected): subscribers with the same identity may share an execution."""
        if self._confirming is None or not self._confirming[1].done():
            return None
        return self._confirming[0].user_id

    async def _load_profiles(self, user_ids: Sequence[ObjectId]) -> list[UserProfile | None]:
        found = await self.services.history.profiles(list(user_ids))
        return [found.get(user_id) for user_id in user_ids]

    async def viewer(self) -> Viewer:
        """The authenticated caller; UNAUTHENTICATED when the bearer token is missing or bad,
        or its login has ended. Checked once per request."""
        _claimed, confirmation = self._login()
        return await confirmation

    async def read_as_viewer(self, read: Callable[[Viewer], Awaitable[T]]) -> T:
        """`read(viewer)`, run while the caller's login is being confirmed rather than after:
        two database round trips at once. The read's answer is only returned once the login
        is confirmed; otherwise UNAUTHENTICATED, as with `viewer()`. For reads only."""
        claimed, confirmation = self._login()
        if confirmation.done():
            return await read(await confirmation)
        confirmed, value = await asyncio.gather(confirmation, read(claimed), return_exceptions=True)
        if isinstance(confirmed, BaseException):
            raise confirmed
        if isinstance(value, BaseException):
            raise value
        return value

    async def visible(self, read: Callable[[Viewer], Awaitable[T]]) -> T | None:
        """`read(viewer)`, or None where it answers NOT_FOUND: how `node(id)` loads objects
        (one the caller may not see is null, exactly like one that does not exist)."""
        try:
            return await read(await self.viewer())
        except NotFoundError:
            return None

    def _login(self) -> tuple[Viewer, asyncio.Future[Viewer]]:
        """Who the token claims to be (checked without the database, or UNAUTHENTICATED),
        and the confirmation that their login is open, started once per request."""
        if self._confirming is None:
            scheme, _, token = (self._authorization or "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise UnauthenticatedError("Sign in first: send 'Authorization: Bearer <token>'.")
            claimed = self.services.auth.claimed(token.strip())
            self._confirming = claimed, asyncio.ensure_future(self._confirm(claimed))
        return self._confirming

    async def _confirm(self, claimed: Viewer) -> Viewer:
        """Confirm the login; the caller's own profile comes along and is primed into
        `profiles` (the entries they record show it)."""
        viewer, user = await self.services.auth.confirm(claimed)
        self.profiles.prime(viewer.user_id, user)
        self.caller = user
        return viewer


Info = StrawberryInfo[Context, None]


async def get_context(connection: HTTPConnection) -> Context:
    return Context(connection.app.state.services, connection)


async def open_socket(context: Context) -> datetime:
    return await context.open_socket()
