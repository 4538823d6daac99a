"""How every mutation works: its payload, its idempotency key, the way it runs its use case.

Every mutation takes one `input` and returns a payload with the changed objects and
`userErrors`. `run_mutation(info, Payload, change)` checks the caller first (UNAUTHENTICATED is a
top-level error, as for queries), then runs `change(viewer)`: an expected failure of the use
case (an `AppError`, input ids that name nothing included) becomes the payload's `userErrors`,
and then nothing was changed. A database that cannot serve now stays a top-level UNAVAILABLE.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol, Self, TypeVar

import strawberry

from app.core.errors import AppError, UnavailableError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.graphql.context import Info
from app.persistence.documents.auth import UserProfile
from app.services.container import Services

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
    RECONCILED = "RECONCILED"
    BALANCE_MISMATCH = "BALANCE_MISMATCH"
    FILE_REFUSED = "FILE_REFUSED"
    TOO_LARGE = "TOO_LARGE"
    BACKUP_INVALID = "BACKUP_INVALID"
    BACKUP_VERSION = "BACKUP_VERSION"
    RESTORE_FAILED = "RESTORE_FAILED"
    CYCLE = "CYCLE"
    URL_REFUSED = "URL_REFUSED"


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


@dataclass(frozen=True)
class Caller:
    """Who made a change: the signed-in viewer and their profile (confirmed with the login,
    shown as `recordedBy` of the entries they record)."""

    viewer: Viewer
    profile: UserProfile | None

    @property
    def user_id(self) -> ObjectId:
        return self.viewer.user_id


class Payload:
    """Mixin of mutation payloads (which all have `user_errors`): the payload of a refusal.
    Each payload also answers its use case's result (`answer`)."""

    @classmethod
    def failed(cls, errors: list[UserError]) -> Self:
        return cls(user_errors=errors)  # type: ignore[call-arg]


R = TypeVar("R", contravariant=True)
P = TypeVar("P", covariant=True)
C = TypeVar("C")
C_co = TypeVar("C_co", covariant=True)


class Refusals(Protocol[P]):
    def failed(self, errors: list[UserError]) -> P: ...


class Answers(Refusals[P], Protocol[R, P]):
    """A payload type: its answer to the caller's use case, and to a refusal."""

    def answer(self, result: R, caller: Caller) -> P: ...


class PublicAnswers(Refusals[P], Protocol[R, P]):
    """A payload type of a mutation anyone may call."""

    def answer(self, result: R) -> P: ...


async def run_mutation(
    info: Info, payload: Answers[R, P], use_case: Callable[[Viewer], Awaitable[R]]
) -> P:
    """A mutation of a signed-in caller (see the module docstring)."""
    caller = Caller(await info.context.viewer(), info.context.caller)

    async def answer() -> P:
        return payload.answer(await use_case(caller.viewer), caller)

    return await _refusals_as_payload(payload, answer)


async def run_public_mutation(
    payload: PublicAnswers[R, P], use_case: Callable[[], Awaitable[R]]
) -> P:
    """A mutation anyone may call (signing up and in): no caller is checked."""

    async def answer() -> P:
        return payload.answer(await use_case())

    return await _refusals_as_payload(payload, answer)


class Commands(Protocol[C_co]):
    """An input that turns itself into its use case's command (decoding its ids)."""

    def to_command(self) -> C_co: ...


class KeyedCommands(Commands[C_co], Protocol):
    """The input of a change that takes an idempotency key."""

    idempotency_key: str | None


UseCase = Callable[[Viewer, C], Awaitable[R]]
KeyedUseCase = Callable[[Viewer, C, str | None], Awaitable[R]]


def mutation_field(
    description: str,
    input_type: type[Commands[C]],
    payload: Answers[R, P],
    use_case: Callable[[Services], UseCase[C, R]],
) -> Any:
    """A mutation field: `use_case(services)(viewer, input.to_command())`, run by
    `run_mutation` and answered with `payload`."""

    async def resolve(info: Info, input: Commands[C]) -> P:
        run = use_case(info.context.services)
        return await run_mutation(info, payload, lambda viewer: run(viewer, input.to_command()))

    return _field(resolve, description, input_type, payload)


def keyed_mutation_field(
    description: str,
    input_type: type[KeyedCommands[C]],
    payload: Answers[R, P],
    use_case: Callable[[Services], KeyedUseCase[C, R]],
) -> Any:
    """`mutation_field` of a change that takes the input's idempotency key."""

    async def resolve(info: Info, input: KeyedCommands[C]) -> P:
        run = use_case(info.context.services)
        return await run_mutation(
            info, payload, lambda viewer: run(viewer, input.to_command(), input.idempotency_key)
        )

    return _field(resolve, description, input_type, payload)


def _field(resolve: Callable[..., Any], description: str, input_type: type, payload: object) -> Any:
    # Strawberry reads the argument and result types from the resolver's annotations.
    resolve.__annotations__ = {"info": Info, "input": input_type, "return": payload}
    return strawberry.mutation(resolver=resolve, description=description)


async def _refusals_as_payload(payload: Refusals[P], answer: Callable[[], Awaitable[P]]) -> P:
    try:
        return await answer()
    except UnavailableError:
        raise
    except AppError as error:
        return payload.failed([UserError.from_error(error)])
