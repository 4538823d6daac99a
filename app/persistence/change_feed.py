"""The one change stream an API process follows for live subscriptions.

One stream over the database, filtered to the collections that subscriptions follow, with
each changed document looked up whole (`full_document="updateLookup"`: the document as it
is when the event is read, which may be newer than the change; subscribers order what they
see by the document's own `version`, never by event). Only majority-committed changes come
through a change stream, so a write rolled back by a failover is never reported.

Resuming: the resume token of the last event handed on is kept; when the stream breaks (an
election, the network) it is opened again after that token, so nothing is missed and nothing
is handed on twice. Should the oplog no longer hold that point (the process was cut off too
long), `lost` is called and the stream starts afresh: the subscribers must start over.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bson import ObjectId
from pydantic import BaseModel, ValidationError
from pymongo.errors import OperationFailure, PyMongoError

from app.persistence.mongo import Database

log = logging.getLogger("envelopes.live")

_HISTORY_LOST = 286  # ChangeStreamHistoryLost: the resume point left the oplog
_WAIT_MS = 1000  # how long one getMore waits for new events on an idle stream


@dataclass(frozen=True)
class Change:
    """One change of a followed document: `document` is it parsed (None once deleted)."""

    collection: str
    operation: str  # insert, update, replace or delete
    key: ObjectId
    document: BaseModel | None


class ChangeFeed:
    def __init__(
        self,
        db: Database,
        models: Mapping[str, type[BaseModel]],
        retry_seconds: float = 0.5,
    ) -> None:
        """`models`: the followed collections by name, each with the model of its documents;
        inserts, updates, replacements and deletes of these are followed."""
        self.db = db
        self.models = dict(models)
        self.retry_seconds = retry_seconds
        self.resume_token: Mapping[str, Any] | None = None

    def pipeline(self) -> list[dict[str, Any]]:
        return [
            {
                "$match": {
                    "ns.coll": {"$in": list(self.models)},
                    "operationType": {"$in": ["insert", "update", "replace", "delete"]},
                }
            },
            {"$project": {"ns": 1, "documentKey": 1, "fullDocument": 1, "operationType": 1}},
        ]

    async def follow(
        self,
        handle: Callable[[Change], None],
        opened: Callable[[], None],
        lost: Callable[[], None],
    ) -> None:
        """Hand every change to `handle`, in commit order, until cancelled. `opened` is
        called each time the stream is (re)opened, `lost` when changes may have been missed."""
        while True:
            try:
                await self._follow_once(handle, opened)
            except OperationFailure as error:
                if error.code != _HISTORY_LOST:
                    raise
                log.warning("change stream history lost: starting afresh")
                self.resume_token = None
                lost()
            except PyMongoError as error:
                log.warning("change stream interrupted (%s): resuming", type(error).__name__)
                await asyncio.sleep(self.retry_seconds)

    async def _follow_once(
        self, handle: Callable[[Change], None], opened: Callable[[], None]
    ) -> None:
        stream = await self.db.db.watch(
            self.pipeline(),
            full_document="updateLookup",
            resume_after=self.resume_token,
            max_await_time_ms=_WAIT_MS,
        )
        async with stream:
            self.resume_token = stream.resume_token
            opened()
            while stream.alive:
                event = await stream.try_next()
                change = None if event is None else self._change(event)
                if change is not None:
                    handle(change)
                # After the event is handed on (or the post-batch token of an idle wait).
                self.resume_token = stream.resume_token

    def _change(self, event: Mapping[str, Any]) -> Change | None:
        collection = event["ns"]["coll"]
        row = event.get("fullDocument")
        try:
            document = None if row is None else self.models[collection].model_validate(row)
        except ValidationError:  # a bug elsewhere must not stop every subscription
            log.exception("unreadable %s document in the change stream", collection)
            return None
        return Change(collection, event["operationType"], event["documentKey"]["_id"], document)
