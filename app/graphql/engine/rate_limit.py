"""The rate limit of /graphql, as a guard in front of the endpoint (`PathGuardMiddleware`).

It runs before the body is read or parsed. A refused request gets HTTP 429 with a
`Retry-After` header and a GraphQL-shaped body, so clients handle it like any other error:

    {"errors": [{"message": "Too many requests. Try again in 12 seconds.",
                 "extensions": {"code": "RATE_LIMITED", "retryAfter": 12}}],
     "extensions": {"cost": {"requested": 0, "maximum": 5000}}}
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Scope

from app.core.errors import RateLimitedError
from app.core.middleware import Guard, header
from app.services.rate_limit import RequestRateLimiter


def too_many_requests(refused: RateLimitedError, max_query_cost: int) -> JSONResponse:
    error = {
        "message": refused.message,
        "extensions": {"code": refused.code, "retryAfter": refused.retry_after},
    }
    return JSONResponse(
        {"errors": [error], "extensions": {"cost": {"requested": 0, "maximum": max_query_cost}}},
        status_code=429,
        headers={"Retry-After": str(refused.retry_after)},
    )


def rate_limit_guard(
    limiter: Callable[[], RequestRateLimiter | None], max_query_cost: int
) -> Guard:
    """A guard that counts each request against its client IP and its user."""

    async def guard(scope: Scope) -> ASGIApp | None:
        current = limiter()
        if current is None:  # the app is not started yet
            return None
        client = scope.get("client")
        try:
            await current.check(client[0] if client else None, header(scope, b"authorization"))
        except RateLimitedError as refused:
            return too_many_requests(refused, max_query_cost)
        return None

    return guard
