"""How every mutation works: its payload, its idempotency key, the way it runs its use case.

Every mutation takes one `input` and returns a payload with the changed objects and
`userErrors`. `run_mutation(info, Payload, change)` checks the caller first (UNAUTHENTICATED is a
top-level error, as for queries), then runs `change(viewer)`: an expected failure of the use
case (an `AppError`, input ids that name nothing included) becomes the payload's `userErrors`,
and then nothing was changed. A database that cannot serve now stays a top-level UNAVAILABLE.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, Self, TypeVar

import strawberry

from app.core.errors import AppError, UnavailableError
from app.core.viewer import Viewer
from app.graphql.context import Info

KEY_HELP = (
    "Any unique string per intended change (a UUID): repeating the request with the same key "
    "returns the first result instead of moving money twice."
)


def idempotency_key() -> Any:
    """The `idempotencyKey` field of a money mutation's input."""
    return strawberry.field(default=None, description=KEY_HELP)


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


P = TypeVar("P", bound=Payload)


async def user_errors(payload: type[P], change: Callable[[], Awaitable[P]]) -> P:
    """Run a use case; turn an expected failure into a payload with `userErrors`."""
    try:
        return await change()
    except UnavailableError:
        raise
    except AppError as error:
        return payload.failed([UserError.from_error(error)])


async def run_mutation(info: Info, payload: type[P], change: Callable[[Viewer], Awaitable[P]]) -> P:
    """A mutation of a signed-in caller (see the module docstring)."""
    viewer = await info.context.viewer()
    return await user_errors(payload, lambda: change(viewer))
