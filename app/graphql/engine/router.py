"""The WebSocket of /graphql (graphql-transport-ws): Strawberry's FastAPI router, with its
HTTP routes taken out. POST and GET /graphql, the playground page included, are
`app.graphql.engine.http`'s."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import strawberry
from fastapi.routing import APIWebSocketRoute
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from app.core.settings import Settings
from app.graphql.engine.persisted import PersistedOperations
from app.graphql.engine.sockets import SocketAuthentication, SocketAuthenticator, SocketHandler

SOCKET_INIT_SECONDS = 10  # a socket must send connection_init within this (else 4408)


class EnvelopesGraphQLRouter(GraphQLRouter[Any, None]):
    graphql_transport_ws_handler_class = SocketHandler

    def __init__(
        self,
        schema: strawberry.Schema,
        context_getter: Callable[..., Awaitable[Any]],
        settings: Settings,
        socket_authenticator: SocketAuthenticator,
        persisted: PersistedOperations,
    ) -> None:
        super().__init__(
            schema,
            context_getter=context_getter,
            graphql_ide=None,
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=SOCKET_INIT_SECONDS),
        )
        self.settings = settings
        self.routes[:] = [r for r in self.routes if isinstance(r, APIWebSocketRoute)]
        self.persisted = persisted  # the sockets resolve hashes as the HTTP endpoint does
        self.sockets = SocketAuthentication(socket_authenticator)
        self.socket_expiries = self.sockets.expiries

    async def on_ws_connect(self, context: Any) -> UnsetType | dict[str, object] | None:
        await self.sockets.connect(context)
        unset: UnsetType = UNSET
        return unset
