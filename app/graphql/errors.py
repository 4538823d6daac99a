"""How failures reach a client.

- Expected failures of a mutation come back in its payload's `userErrors`.
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
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, Self, TypeVar

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError
from pymongo.errors import ConnectionFailure, NotPrimaryError, WTimeoutError

from app.core.errors import AppError, RateLimitedError, UnavailableError
from app.core.logs import request_id_var

log = logging.getLogger("envelopes.graphql")

_UNAVAILABLE_ERRORS = (ConnectionFailure, NotPrimaryError, WTimeoutError, UnavailableError)
UNAVAILABLE_MESSAGE = "The database is unavailable right now. Retry the request shortly."


@strawberry.enum(description="Machine-readable reason of a user error.")
class ErrorCode(Enum):
    VALIDATION = "VALIDATION"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    FORBIDDEN = "FORBIDDEN"
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    RATE_LIMITED = "RATE_LIMITED"


@strawberry.type(description="An expected failure of a mutation; nothing was changed.")
class UserError:
    field: list[str] | None = strawberry.field(
        description="Path of the input field at fault, when one is.",
    )
    message: str
    code: ErrorCode

    @classmethod
    def from_error(cls, error: AppError) -> UserError:
        return cls(field=error.field, message=error.message, code=ErrorCode(error.code))


class Payload:
    """Mixin of mutation payloads (which all have `user_errors`): the payload of a refusal."""

    @classmethod
    def failed(cls, errors: list[UserError]) -> Self:
        return cls(user_errors=errors)  # type: ignore[call-arg]


P = TypeVar("P")


async def user_errors_as_payload(
    make_payload: Callable[[list[UserError]], P], action: Callable[[], Awaitable[P]]
) -> P:
    """Run a mutation's use case; turn an expected failure into a payload with userErrors."""
    try:
        return await action()
    except UnavailableError:
        raise
    except AppError as error:
        return make_payload([UserError.from_error(error)])


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
    if isinstance(original, _UNAVAILABLE_ERRORS):
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
