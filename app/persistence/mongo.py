"""The service's handle on MongoDB: one async client, Beanie initialised, one way to transact
(`transaction()`, see `app.persistence.transactions`)."""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from typing import Any

from beanie import init_beanie
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from app.core.settings import Settings
from app.persistence.documents import DOCUMENT_MODELS
from app.persistence.transactions import Session, Transaction

__all__ = ["Database", "Session"]


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
        await init_beanie(database=self.db, document_models=DOCUMENT_MODELS)

    async def close(self) -> None:
        await self.client.close()

    def transaction(self) -> Transaction:
        """One attempt of a transaction (`async with`), inside a `@transactional` use case."""
        return Transaction(self.client)

    def snapshot(self) -> AbstractAsyncContextManager[Session]:
        """A session whose reads all see one point in time (several queries, one answer)."""
        return self.client.start_session(snapshot=True)

    async def primary_answers(self, within_seconds: float = 2.0) -> bool:
        """True when a writable primary answers within `within_seconds`."""
        try:
            async with asyncio.timeout(within_seconds):
                hello = await self.client.admin.command("hello")
        except (TimeoutError, PyMongoError):
            return False
        return bool(hello.get("isWritablePrimary"))
