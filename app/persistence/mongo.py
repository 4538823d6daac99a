"""The service's handle on MongoDB: one async client, Beanie initialised, one way to transact.

Every change that touches more than one document goes through `Database.transaction`, which
runs the callback in a session transaction with read concern `snapshot` and write concern
`majority`, retried by PyMongo on `TransientTransactionError` / `UnknownTransactionCommitResult`.
An exception raised by the callback aborts the transaction: nothing is half-applied.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from beanie import init_beanie
from pymongo import AsyncMongoClient, ReadPreference, WriteConcern
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import PyMongoError
from pymongo.read_concern import ReadConcern

from app.core.settings import Settings
from app.persistence.documents import DOCUMENT_MODELS
from app.persistence.ledger_documents import LEDGER_MODELS

T = TypeVar("T")
Session = AsyncClientSession


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
            return await session.with_transaction(
                callback,
                read_concern=ReadConcern("snapshot"),
                write_concern=WriteConcern("majority"),
                read_preference=ReadPreference.PRIMARY,
            )

    async def primary_answers(self, within_seconds: float = 2.0) -> bool:
        """True when a writable primary answers within `within_seconds`."""
        try:
            async with asyncio.timeout(within_seconds):
                hello = await self.client.admin.command("hello")
        except (TimeoutError, PyMongoError):
            return False
        return bool(hello.get("isWritablePrimary"))
