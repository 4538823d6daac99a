"""The service's handle on MongoDB: one async client, Beanie initialised, one way to transact.

Every change that touches more than one document goes through `Database.transaction`, which
runs the callback in a session transaction with read concern `snapshot` and write concern
`majority`, retried by PyMongo on `TransientTransactionError` / `UnknownTransactionCommitResult`.
An exception raised by the callback aborts the transaction: nothing is half-applied, and a
transaction cut short by a time budget (`pymongo.timeout`) is aborted on the server too.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pymongo
from beanie import init_beanie
from pymongo import AsyncMongoClient, ReadPreference, WriteConcern
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import PyMongoError, ServerSelectionTimeoutError
from pymongo.read_concern import ReadConcern

from app.core.settings import Settings
from app.persistence.documents import DOCUMENT_MODELS
from app.persistence.ledger_documents import LEDGER_MODELS

T = TypeVar("T")
Session = AsyncClientSession
_CLEANUP_SECONDS = 2.0


class Database:
    def __init__(self, settings: Settings) -> None:
        self.client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            settings.mongodb_uri,
            w="majority",
            tz_aware=True,
            serverSelectionTimeoutMS=settings.server_selection_timeout_ms,
            appname="envelopes-api",
        )
        self.db = self.client[settings.mongodb_database]

    async def connect(self) -> None:
        """Bind the document models to this database and create their indexes."""
        await init_beanie(database=self.db, document_models=[*DOCUMENT_MODELS, *LEDGER_MODELS])

    async def close(self) -> None:
        await self.client.close()

    async def transaction(self, callback: Callable[[Session], Awaitable[T]]) -> T:
        async with self.client.start_session() as session:
            try:
                return await session.with_transaction(
                    callback,
                    read_concern=ReadConcern("snapshot"),
                    write_concern=WriteConcern("majority"),
                    read_preference=ReadPreference.PRIMARY,
                )
            except PyMongoError as error:
                if error.timeout and not isinstance(error, ServerSelectionTimeoutError):
                    await self._end_server_transaction(session)
                raise

    async def _end_server_transaction(self, session: Session) -> None:
        """Abort, on the server, a transaction cut short by the caller's time budget.

        When `pymongo.timeout` runs out inside a transaction, the driver's own abort is
        refused (no time left) and the transaction stays open on the server, holding its
        writes until `transactionLifetimeLimitSeconds` (60 s): every other transaction
        touching those documents fails with a write conflict meanwhile. `killSessions` (a
        user may kill their own sessions) ends it now; it runs in a fresh context so that
        the expired deadline does not apply, with a budget of its own. Best effort: the
        lifetime limit remains the backstop.
        """

        async def kill() -> None:
            with pymongo.timeout(_CLEANUP_SECONDS):
                await self.client.admin.command("killSessions", [session.session_id])

        with contextlib.suppress(PyMongoError):
            await asyncio.create_task(kill(), context=contextvars.Context())

    async def primary_answers(self, within_seconds: float = 2.0) -> bool:
        """True when a writable primary answers within `within_seconds`."""
        try:
            async with asyncio.timeout(within_seconds):
                hello = await self.client.admin.command("hello")
        except (TimeoutError, PyMongoError):
            return False
        return bool(hello.get("isWritablePrimary"))
