"""The /graphql endpoint: Strawberry's FastAPI router with our playground page and the one
place where every error of every response is shaped (codes, masking, logging)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import strawberry
from fastapi import Request
from fastapi.responses import HTMLResponse
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from app.core.settings import Settings
from app.graphql.engine.errors import shape_errors
from app.graphql.engine.persisted import PersistedOperations
from app.graphql.engine.playground import playground_page
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
    ) -> None:
        super().__init__(
            schema,
            context_getter=context_getter,
            graphql_ide="graphiql" if settings.playground_enabled else None,
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=SOCKET_INIT_SECONDS),
        )
        self.settings = settings
        self.persisted = PersistedOperations.from_settings(settings)  # for the sockets
        self.sockets = SocketAuthentication(socket_authenticator)
        self.socket_expiries = self.sockets.expiries

    async def on_ws_connect(self, context: Any) -> UnsetType | dict[str, object] | None:
        await self.sockets.connect(context)
        unset: UnsetType = UNSET
        return unset

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return playground_page(self.settings)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        # Here rather than in a schema extension: parse errors answered from the parser
        # cache never reach an extension's on_operation exit.
        if result.errors:
            result.errors = shape_errors(result.errors)
        return await super().process_result(request, result)
