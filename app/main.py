"""The app factory: `create_app(settings)`; uvicorn runs `create_app_from_env` (--factory)."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.routing import Route

from app.core.logs import configure_logging
from app.core.middleware import PathGuardMiddleware, RequestIdMiddleware, ShortcutMiddleware
from app.core.settings import Settings
from app.exports import backups_router, exports_router
from app.graphql.context import get_context, open_socket
from app.graphql.engine.http import GraphQLHTTPEndpoint
from app.graphql.engine.persisted import PersistedOperations
from app.graphql.engine.playground import assets_installed, assets_router
from app.graphql.engine.rate_limit import rate_limit_guard
from app.graphql.engine.router import EnvelopesGraphQLRouter
from app.graphql.schema import build_schema, validation_rules
from app.persistence.mongo import Database
from app.services.container import Services
from app.services.rate_limit import RequestRateLimiter
from app.uploads import uploads_router
from app.web import WebRoute, index_built

log = logging.getLogger("envelopes")


# Allocations between the collector's young passes (Python's default 700), and young passes
# per middle one (default 10). A change fanned out to 1,000 live subscribers allocates a few
# hundred thousand short-lived objects; with the defaults that ran hundreds of passes per
# round, promoting objects still in flight until a full pass came (up to 370 ms, a stall of
# every subscriber and request), and cost about 40 µs of CPU per event delivered.
GC_THRESHOLDS = (20_000, 10, 10)


def _tune_garbage_collector() -> None:
    """Once per process: the thresholds above, and what imports and startup made (the
    schema, models, modules: about 150,000 objects alive until the process ends) taken out
    of the collector's full passes, which took about 80 ms over them. Objects made later
    are collected as usual."""
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings)
        try:
            await db.connect()
            app.state.services = services = Services.build(settings, db)
            services.start_background_work()
            app.state.rate_limiter = RequestRateLimiter.build(settings, db)
            if settings.playground_enabled and not assets_installed(settings):
                log.warning("playground assets missing in %s", settings.playground_assets_dir)
            if not index_built(settings.web_dir):
                log.warning("web app not built: no index.html in %s", settings.web_dir)
            _tune_garbage_collector()
            log.info("ready", extra={"database": settings.mongodb_database})
            yield
            await services.stop_background_work()
        finally:
            await db.close()

    app = FastAPI(
        title="Envelopes",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    schema = build_schema(settings)
    # POST and GET /graphql: our endpoint (first, so it wins); the WebSocket: Strawberry's.
    persisted = PersistedOperations.from_settings(settings)
    endpoint = GraphQLHTTPEndpoint(
        schema._schema, validation_rules(settings), settings, get_context, persisted
    )
    app.router.routes.append(Route("/graphql", endpoint))  # every method: 405 is ours
    graphql = EnvelopesGraphQLRouter(schema, get_context, settings, open_socket, persisted)
    app.include_router(graphql, prefix="/graphql")
    if settings.playground_enabled:
        app.include_router(assets_router(settings))
    app.include_router(exports_router())
    app.include_router(backups_router())
    app.include_router(uploads_router())

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str | int]:
        """The process is alive (says nothing about the database), and which one it is: with
        several workers (app/serve.py) each answers with its own pid."""
        return {"status": "ok", "pid": os.getpid()}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        """Ready to serve: a writable primary of the replica set answers."""
        services: Services | None = getattr(app.state, "services", None)
        if services is not None and await services.db.primary_answers():
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "unavailable"}, status_code=503)

    app.router.routes.append(WebRoute(settings.web_dir))  # last: every other GET path

    # Innermost middleware: /graphql's HTTP requests skip the router (the route above stays
    # for the record; the WebSocket goes through the router to Strawberry's).
    app.add_middleware(ShortcutMiddleware, path="/graphql", endpoint=endpoint)
    if settings.rate_limit_enabled:
        guard = rate_limit_guard(
            lambda: getattr(app.state, "rate_limiter", None), settings.max_query_cost
        )
        app.add_middleware(PathGuardMiddleware, path="/graphql", guard=guard)
    app.add_middleware(RequestIdMiddleware)  # added last: outermost, so 429s get an id too
    return app


def create_app_from_env() -> FastAPI:
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings)
