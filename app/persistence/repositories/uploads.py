"""Uploaded files, kept in GridFS (`uploads.files` / `uploads.chunks`) so that any API process
can read a file another one received — an import job resumed after a crash reads its file
again from here.

Each file records its owner (the user who sent it); a file is only ever opened for its owner,
and another user's file id reads as one that does not exist.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId
from gridfs import AsyncGridFSBucket, NoFile
from pymongo.asynchronous.database import AsyncDatabase

BUCKET = "uploads"
CHUNK_BYTES = 255 * 1024


@dataclass(frozen=True)
class StoredFile:
    id: ObjectId
    owner_id: ObjectId
    name: str
    size: int
    uploaded_at: datetime


class TooLarge(Exception):
    """The upload went past its limit; what was written of it is gone."""


class UploadRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.bucket = AsyncGridFSBucket(db, bucket_name=BUCKET, chunk_size_bytes=CHUNK_BYTES)
        self.files = db[f"{BUCKET}.files"]

    async def save(
        self, owner_id: ObjectId, name: str, chunks: AsyncIterator[bytes], limit: int
    ) -> StoredFile:
        """Store the bytes as they arrive; `TooLarge` (and nothing kept) past `limit`."""
        stream = self.bucket.open_upload_stream(name, metadata={"owner_id": owner_id})
        size = 0
        try:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise TooLarge
                await stream.write(chunk)
        except BaseException:
            await stream.abort()
            raise
        await stream.close()
        return await self._found(stream._id)

    async def find(self, owner_id: ObjectId, file_id: ObjectId) -> StoredFile | None:
        row = await self.files.find_one({"_id": file_id, "metadata.owner_id": owner_id})
        return None if row is None else _stored(row)

    async def chunks(self, file_id: ObjectId) -> AsyncIterator[bytes]:
        """The file's bytes in GridFS chunks, read one at a time (bounded memory)."""
        try:
            stream = await self.bucket.open_download_stream(file_id)
        except NoFile:
            return
        try:
            while chunk := await stream.readchunk():
                yield chunk
        finally:
            await stream.close()

    async def delete(self, file_id: ObjectId) -> None:
        with contextlib.suppress(NoFile):
            await self.bucket.delete(file_id)

    async def _found(self, file_id: ObjectId) -> StoredFile:
        row = await self.files.find_one({"_id": file_id})
        if row is None:  # only if deleted at once by somebody else: it cannot be theirs
            raise NoFile(str(file_id))
        return _stored(row)


def _stored(row: dict[str, Any]) -> StoredFile:
    return StoredFile(
        id=row["_id"],
        owner_id=row["metadata"]["owner_id"],
        name=row["filename"],
        size=row["length"],
        uploaded_at=row["uploadDate"],
    )
