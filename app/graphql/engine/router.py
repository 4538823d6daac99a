"""The /graphql endpoint: Strawberry's FastAPI router with our playground page and the one
place where every error of every response is shaped (codes, masking, logging)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from fastapi import Request
from fastapi.responses import HTMLResponse
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from app.core.settings import Settings
from app.graphql.engine.errors import shape_errors
from app.graphql.engine.playground import playground_page


class EnvelopesGraphQLRouter(GraphQLRouter[Any, None]):
    def __init__(
        self,
        schema: strawberry.Schema,
        context_getter: Callable[[Request], Awaitable[Any]],
        settings: Settings,
    ) -> None:
        super().__init__(
            schema,
            context_getter=context_getter,
            graphql_ide="graphiql" if settings.playground_enabled else None,
            allow_queries_via_get=False,
        )
        self.settings = settings

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
