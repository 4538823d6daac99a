"""GraphQL over WebSocket (`graphql-transport-ws`, the protocol of Apollo Client's
`GraphQLWsLink`): for subscriptions only. Queries and mutations stay on HTTP, behind its
rate limits; every result streamed is shaped like an HTTP answer (codes, masking).

A socket is authenticated once, by the access token in `connection_init`'s payload
(`{"authorization": "Bearer …"}`); a missing or bad token closes it with 4403 Forbidden. The
socket lasts no longer than its token: when the token expires the server closes it with
4403 "Token expired", ending its subscriptions, and the client reconnects with a fresh one.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLError
from starlette.websockets import WebSocketDisconnect
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ErrorMessage
from strawberry.types.graphql import OperationType

from app.core.errors import AppError
from app.graphql.engine.errors import shape_errors
from app.graphql.engine.persisted import PersistedQueryError
from app.graphql.engine.shared_events import next_message

# A closed socket leaves its objects (cyclic, old) to the collector's full pass, which the
# process runs rarely (`app.main.GC_THRESHOLDS`): one is run once sockets stop closing for a
# moment (at the latest a while after the first close), so that a thousand closed sockets'
# memory is reused by the next ones, and the pass does not fall amid a fan-out.
COLLECT_AFTER_CLOSE_SECONDS = 1.0
COLLECT_AT_THE_LATEST_SECONDS = 30.0
EXPIRED = 4403  # graphql-ws retries it (4401 would be fatal): the client comes back fresh

# Authenticates the socket of a context from its `connection_params`: when its token ends.
SocketAuthenticator = Callable[[Any], Awaitable[datetime]]


class SubscriptionsOnly:
    """The schema as a socket sees it: subscriptions only, each result's errors shaped."""

    def __init__(self, schema: BaseSchema) -> None:
        self.schema = schema

    async def stream(self, *args: Any, **kwargs: Any) -> AsyncGenerator[Any, None]:
        kwargs["allowed_operation_types"] = (OperationType.SUBSCRIPTION,)
        source = await self.schema.stream(*args, **kwargs)
        return _shaped(source)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.schema, name)


async def _shaped(source: AsyncGenerator[Any, None]) -> AsyncGenerator[Any, None]:
    async with contextlib.aclosing(source):
        async for result in source:
            if getattr(result, "errors", None):
                result.errors = shape_errors([_not_here(e) for e in result.errors])
            yield result


def _not_here(error: GraphQLError) -> GraphQLError:
    if not isinstance(error.original_error, InvalidOperationTypeError):
        return error
    return GraphQLError(
        "Only subscriptions are served over WebSocket: send queries and mutations over HTTP.",
        extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
    )


class SocketHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    """Strawberry's handler with the schema seen through `SubscriptionsOnly`, closing the
    socket when its token expires (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schema = SubscriptionsOnly(self.schema)  # type: ignore[assignment]
        self.expiry: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        expires_at = self.view.socket_expiries.pop(self.context, None)  # type: ignore[attr-defined]
        if self.connection_acknowledged and expires_at is not None:
            self.expiry = asyncio.create_task(self._close_at(expires_at))

    async def handle_subscribe(self, message: Any) -> None:
        """The document to run is the persisted operations' choice (`resolve_subscription`:
        with trusted documents required, only they run here too); a refusal is the
        operation's `error` message, and the socket stays open."""
        payload = message["payload"]
        persisted = self.view.persisted  # type: ignore[attr-defined]
        try:
            text, _trusted = persisted.resolve_subscription(
                payload["query"], payload.get("extensions")
            )
        except PersistedQueryError as refusal:
            error = GraphQLError(refusal.message, extensions={"code": refusal.code})
            await super().send_message(
                ErrorMessage(id=message["id"], type="error", payload=[error.formatted])
            )
            return
        payload["query"] = text
        await super().handle_subscribe(message)

    async def send_message(self, message: Any) -> None:
        """Every message as Strawberry sends it, but a "next" one built around the payload's
        JSON written once for all who share it (`shared_events.next_message`)."""
        if message.get("type") != "next":
            await super().send_message(message)
            return
        try:
            socket = self.websocket.ws  # type: ignore[attr-defined]  # ASGIWebSocketAdapter
            await socket.send_text(next_message(message["id"], message["payload"]))
        except WebSocketDisconnect as error:
            raise WebSocketDisconnected from error

    async def shutdown(self) -> None:
        if self.expiry is not None:
            self.expiry.cancel()
        await super().shutdown()
        _closed_garbage.collect_soon()

    async def _close_at(self, expires_at: datetime) -> None:
        await asyncio.sleep(max((expires_at - datetime.now(UTC)).total_seconds(), 0))
        with contextlib.suppress(Exception):  # already closed by the client
            await self.websocket.close(code=EXPIRED, reason="Token expired")


class _ClosedSocketGarbage:
    """One full collection after sockets close (see COLLECT_AFTER_CLOSE_SECONDS)."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.pending: asyncio.TimerHandle | None = None
        self.first = 0.0  # when the first close since the last collection was

    def collect_soon(self) -> None:
        loop = asyncio.get_running_loop()
        if loop is not self.loop:  # (a new loop: tests)
            self.loop, self.pending = loop, None
        now = loop.time()
        if self.pending is None:
            self.first = now
        elif now + COLLECT_AFTER_CLOSE_SECONDS <= self.first + COLLECT_AT_THE_LATEST_SECONDS:
            self.pending.cancel()
        else:
            return
        self.pending = loop.call_at(now + COLLECT_AFTER_CLOSE_SECONDS, self._collect)

    def _collect(self) -> None:
        self.pending = None
        gc.collect()


_closed_garbage = _ClosedSocketGarbage()


class SocketAuthentication:
    """The router's side of `connection_init`: the token checked, its expiry kept for the
    socket's handler."""

    def __init__(self, authenticator: SocketAuthenticator) -> None:
        self.authenticator = authenticator
        self.expiries: weakref.WeakKeyDictionary[Any, datetime] = weakref.WeakKeyDictionary()

    async def connect(self, context: Any) -> None:
        try:
            self.expiries[context] = await self.authenticator(context)
        except AppError as error:
            raise ConnectionRejectionError() from error
