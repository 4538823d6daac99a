"""Files sent to the API before a mutation works on them: a bank file for an import job, a
household backup for a restore. `POST /uploads` (app/uploads.py) stores the bytes and answers a
file id; the mutation takes the id. Only the caller who sent a file can use its id: anybody
else's reads as NOT_FOUND, like an id that does not exist."""

from __future__ import annotations

from collections.abc import AsyncIterator
from enum import StrEnum

from app.core.errors import NotFoundError, ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.persistence.repositories.uploads import StoredFile, TooLarge, UploadRepository

__all__ = ["FileTooLarge", "StoredFile", "UploadKind", "Uploads"]

MAX_NAME_LENGTH = 200


class UploadKind(StrEnum):
    IMPORT = "import"  # a bank file (CSV, OFX/QFX, QIF, CAMT)
    BACKUP = "backup"  # a household backup


class FileTooLarge(ValidationError):
    code = "TOO_LARGE"

    def __init__(self, limit: int) -> None:
        mib = limit / (1024 * 1024)
        super().__init__(f"The file is larger than the {mib:g} MiB allowed.", field=["file"])
        self.limit = limit


class Uploads:
    def __init__(self, repository: UploadRepository, limits: dict[UploadKind, int]) -> None:
        self.repository, self.limits = repository, limits

    async def save(
        self, viewer: Viewer, kind: UploadKind, name: str, chunks: AsyncIterator[bytes]
    ) -> StoredFile:
        name = " ".join(name.split())[:MAX_NAME_LENGTH] or "upload"
        limit = self.limits[kind]
        try:
            return await self.repository.save(viewer.user_id, name, chunks, limit)
        except TooLarge:
            raise FileTooLarge(limit) from None

    async def find(self, viewer: Viewer, file_id: ObjectId, field: str = "fileId") -> StoredFile:
        found = await self.repository.find(viewer.user_id, file_id)
        if found is None:
            raise NotFoundError("No such file: upload it first.", field=[field])
        return found

    def chunks(self, file: StoredFile) -> AsyncIterator[bytes]:
        return self.repository.chunks(file.id)

    async def read(self, file: StoredFile) -> bytes:
        """The whole file (the readers of OFX, QIF and CAMT need it whole)."""
        return b"".join([chunk async for chunk in self.chunks(file)])

    async def delete(self, file: StoredFile) -> None:
        await self.repository.delete(file.id)
