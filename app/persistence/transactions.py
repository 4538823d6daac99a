"""The one way into a MongoDB transaction: a scope inside a use case that may run again.

    @transactional
    async def change_password(...):
        ...  # checks that need no transaction
        async with db.transaction() as tx:
            await users.set_password(..., tx.session)
            await tx.commit()

`Database.transaction()` is one attempt: a session transaction with read concern `snapshot`,
write concern `majority` and primary reads. Only `commit()` commits. Leaving the block any
other way (an exception, or a return before `commit()`) aborts, so nothing is half-applied.
A transaction cut short by the request's time budget (`pymongo.timeout`) is ended on the
server too, so it cannot hold its writes until MongoDB's 60 s lifetime limit.

`@transactional` runs the decorated use case again, whole, when MongoDB labels a failure
`TransientTransactionError` (a write conflict with a concurrent transaction, a primary that
stepped down, a dropped connection): with jittered exponential backoff, for at most 120 s and
never past the request's deadline, as PyMongo's `with_transaction` does. `commit()` itself
retries a commit whose outcome is unknown (`UnknownTransactionCommitResult`). A scope may also
end the use case early with an answer (`AlreadyDone`: its work was done before, e.g. by an
earlier request with the same idempotency key) or ask for another run (`TryAgain`); it can
tell a first run from another (`running_again()`).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar, cast

import pymongo
from pymongo import AsyncMongoClient, ReadPreference, WriteConcern
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import OperationFailure, PyMongoError, ServerSelectionTimeoutError
from pymongo.read_concern import ReadConcern

from app.core.errors import AppError

P = ParamSpec("P")
T = TypeVar("T")
Session = AsyncClientSession

RETRY_LIMIT_SECONDS = 120.0  # PyMongo's with_transaction gives up after the same time
BACKOFF_INITIAL_SECONDS, BACKOFF_MAX_SECONDS = 0.005, 0.5
MAX_TRY_AGAIN = 3
_CLEANUP_SECONDS = 2.0
_MAX_TIME_EXPIRED = 50
# Backoff jitter from a generator of its own, not the random module's shared one (which a
# property-based test driving this API in its own process relies on).
_JITTER = random.Random()  # noqa: S311 (spreading retries, not a secret)


class AlreadyDone(Exception):
    """Raised by a scope that finds its work already done; `@transactional` returns `result`."""

    def __init__(self, result: object) -> None:
        super().__init__("already done")
        self.result = result


class TryAgain(Exception):
    """Raised by a scope whose outcome a concurrent transaction decided first: run the use
    case again (it then sees that outcome), at most `MAX_TRY_AGAIN` times, then `give_up`."""

    def __init__(self, give_up: AppError) -> None:
        super().__init__(give_up.message)
        self.give_up = give_up


_SNAPSHOT, _MAJORITY = ReadConcern("snapshot"), WriteConcern("majority")
_RUNNING_AGAIN: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "running_again", default=False
)


class Transaction:
    """One attempt of a transaction, as an `async with` scope: its session, and the
    explicit commit. Created by `Database.transaction()`."""

    def __init__(self, client: AsyncMongoClient[dict[str, Any]]) -> None:
        self._client = client
        self.session: Session = client.start_session()
        self.started = time.monotonic()

    async def __aenter__(self) -> Transaction:
        try:
            await self.session.start_transaction(
                read_concern=_SNAPSHOT,
                write_concern=_MAJORITY,
                read_preference=ReadPreference.PRIMARY,
            )
        except BaseException:
            await self.session.end_session()
            raise
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: object
    ) -> None:
        session = self.session
        try:
            cut_short = isinstance(error, PyMongoError) and error.timeout
            if cut_short and not isinstance(error, ServerSelectionTimeoutError):
                await _end_on_server(self._client, session)
            if session.in_transaction:  # left without commit: nothing of it stays
                with contextlib.suppress(PyMongoError):
                    await session.abort_transaction()
        finally:
            await session.end_session()

    async def commit(self) -> None:
        while True:
            try:
                await self.session.commit_transaction()
            except PyMongoError as error:
                if _commit_again(error, self.started):
                    continue
                raise
            return


def _commit_again(error: PyMongoError, started: float) -> bool:
    """A commit whose outcome is unknown is sent again (it is idempotent), unless time ran out."""
    expired = isinstance(error, OperationFailure) and error.code == _MAX_TIME_EXPIRED
    return (
        error.has_error_label("UnknownTransactionCommitResult")
        and not expired
        and not error.timeout
        and time.monotonic() - started < RETRY_LIMIT_SECONDS
    )


async def _end_on_server(client: AsyncMongoClient[dict[str, Any]], session: Session) -> None:
    """End, on the server, a transaction cut short by the caller's time budget.

    When `pymongo.timeout` runs out inside a transaction, the driver's own abort is refused
    (no time left) and the transaction stays open on the server, holding its writes until
    `transactionLifetimeLimitSeconds` (60 s): every other transaction touching those
    documents fails with a write conflict meanwhile. `killSessions` (a user may kill their
    own sessions) ends it now; it runs in a fresh context so that the expired deadline does
    not apply, with a budget of its own. Best effort: the lifetime limit remains the backstop.
    """

    async def kill() -> None:
        with pymongo.timeout(_CLEANUP_SECONDS):
            await client.admin.command("killSessions", [session.session_id])

    with contextlib.suppress(PyMongoError):
        await asyncio.create_task(kill(), context=contextvars.Context())


def transactional(use_case: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Run `use_case` again, whole, while its transaction fails in a way MongoDB says a new
    attempt may not (see the module docstring)."""

    @functools.wraps(use_case)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        started, attempt, tries_left = time.monotonic(), 0, MAX_TRY_AGAIN
        first = _RUNNING_AGAIN.set(False)
        try:
            while True:
                try:
                    return await use_case(*args, **kwargs)
                except AlreadyDone as done:
                    # Only scopes of use cases that answer with their first result raise it.
                    return cast(T, done.result)
                except TryAgain as again:
                    tries_left -= 1
                    if tries_left == 0:
                        raise again.give_up from None
                    _RUNNING_AGAIN.set(True)
                    continue
                except PyMongoError as error:
                    if not _run_again(error, started):
                        raise
                _RUNNING_AGAIN.set(True)
                attempt += 1
                await asyncio.sleep(_JITTER.random() * _backoff(attempt))
        finally:
            _RUNNING_AGAIN.reset(first)

    return run


def running_again() -> bool:
    """True inside a `@transactional` use case that runs again (after a transient failure
    or `TryAgain`); False on its first run."""
    return _RUNNING_AGAIN.get()


def _run_again(error: PyMongoError, started: float) -> bool:
    return (
        error.has_error_label("TransientTransactionError")
        and not error.timeout  # the request's deadline has passed: no new attempt can finish
        and time.monotonic() - started < RETRY_LIMIT_SECONDS
    )


def _backoff(attempt: int) -> float:
    return min(BACKOFF_INITIAL_SECONDS * 1.5**attempt, BACKOFF_MAX_SECONDS)
