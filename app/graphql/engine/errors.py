"""How failures reach a client: every error of every response is shaped here.

- Expected failures of a mutation come back in its payload's `userErrors`
  (`app.graphql.payloads`).
- Expected failures elsewhere (authentication, bad arguments) are top-level errors that keep
  their message and carry `extensions.code`.
- A database that cannot serve now (no primary during an election, network) is a top-level
  error with code UNAVAILABLE: the client may retry the same request (with the same
  idempotency key for money).
- Anything else is a bug: it is logged with its traceback and the request id, and the client
  sees only "Unexpected error" with code INTERNAL and the request id.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError

from app.core.errors import AppError, RateLimitedError, UnavailableError
from app.core.logs import request_id_var
from app.persistence.failures import unavailable

log = logging.getLogger("envelopes.graphql")

UNAVAILABLE_MESSAGE = "The database is unavailable right now. Retry the request shortly."


def _extensions_for(error: AppError) -> dict[str, Any]:
    extensions: dict[str, Any] = {"code": error.code}
    if isinstance(error, RateLimitedError):
        extensions["retryAfter"] = error.retry_after
    if error.field:
        extensions["field"] = error.field
    return extensions


def _rebuild(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


def shape_errors(errors: list[GraphQLError]) -> list[GraphQLError]:
    """Give every error a code; mask the unexpected ones (see the module docstring)."""
    return [shape_error(e) for e in errors]


def shape_error(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if original is None:
        if error.extensions and "code" in error.extensions:
            return error
        code = (
            "GRAPHQL_PARSE_FAILED"
            if isinstance(error, GraphQLSyntaxError)
            else "GRAPHQL_VALIDATION_FAILED"
        )
        return _rebuild(error, error.message, {**(error.extensions or {}), "code": code})
    if isinstance(original, UnavailableError) or unavailable(original):
        log.warning("database unavailable: %s", type(original).__name__)
        return _rebuild(error, UNAVAILABLE_MESSAGE, {"code": "UNAVAILABLE"})
    if isinstance(original, AppError):
        return _rebuild(error, original.message, _extensions_for(original))
    if isinstance(original, GraphQLError):  # e.g. a scalar's parse error
        return (
            shape_error(original)
            if original.original_error
            else _rebuild(error, error.message, {"code": "GRAPHQL_VALIDATION_FAILED"})
        )
    request_id = request_id_var.get()
    log.error(
        "unexpected error at %s", error.path, exc_info=original, extra={"request_id": request_id}
    )
    return _rebuild(error, "Unexpected error", {"code": "INTERNAL", "requestId": request_id})
