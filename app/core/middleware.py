"""ASGI middleware: a request id for every request, one access log line per request, a
guard in front of one path (the rate limit of /graphql), and a shortcut to one path's
endpoint (POST and GET /graphql skip the framework's routing layers)."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.logs import request_id_var

log = logging.getLogger("envelopes.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of a request header (`name` in lower case), as latin-1 text."""
    for key, value in scope["headers"]:
        if key == name:
            found: str = value.decode("latin-1")
            return found
    return None


def _incoming_request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate: str = value.decode("latin-1")
            if _SAFE_ID.match(candidate):
                return candidate
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Take a well-formed `X-Request-ID` from the client or make one; echo it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope)
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(token)


Guard = Callable[[Scope], Awaitable[ASGIApp | None]]


class PathGuardMiddleware:
    """Ask `guard` about every HTTP request to exactly `path` before the app sees it: a
    response it returns (e.g. 429) is sent instead; None lets the request through. Other
    paths (health checks, static assets) pass untouched."""

    def __init__(self, app: ASGIApp, *, path: str, guard: Guard) -> None:
        self.app = app
        self.path = path
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == self.path:
            refusal = await self.guard(scope)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


class ShortcutMiddleware:
    """Send every HTTP request to exactly `path` straight to `endpoint`, past the layers
    inside this middleware (the framework's exception middleware, exit stack and router):
    about 40 µs less per GraphQL request. Put it innermost, so the request id, the access
    log and the guards still see every request. The endpoint answers its own failures."""

    def __init__(self, app: ASGIApp, *, path: str, endpoint: ASGIApp) -> None:
        self.app = app
        self.path = path
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == self.path:
            await self.endpoint(scope, receive, send)
            return
        await self.app(scope, receive, send)
