"""The household backup file: one gzip stream of JSON Lines (UTF-8, one object a line).

    {"type":"header","format":"envelopes-household-backup","version":1,"createdAt":…,"appVersion":…}
    {"type":"user","data":{"id":…,"email":…}}               every user the records name
    {"type":"account","data":{…}}                            then that account's records:
    {"type":"entry","data":{…}}  …                           entries by sequence number, then
    {"type":"paymentSource"|"reconciliation"|"schedule","data":{…}}
    …                                                        the next account, and so on
    {"type":"manifest","counts":{"account":2,"entry":…},"accounts":[{"id","name","currency",
                     "balance","entries"}]}
    {"type":"sha256","sha256":"<hex>"}                       of every byte before this line

Records hold the stored fields (`app.persistence.backup_codec`): amounts as integers in minor
units, ids as 24 hex digits, moments in ISO 8601 with their offset, users by id with their
email in the user table. `Writer` makes the file in bounded memory; `lines` reads one back,
and `verify` reads a whole file first and refuses it as a whole (`BackupInvalidError`,
`BackupVersionError`): not gzip, truncated, a byte changed (the SHA-256), another format, a
version from the future, counts that disagree with the manifest.

The checksum finds accidents (a truncated download, a flipped bit), not forgeries: anybody
can write a file with a matching checksum, so a restore still checks every record and every
invariant of what it writes.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import zlib
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from app.core.errors import AppError
from app.persistence.backup_codec import json_default

FORMAT = "envelopes-household-backup"
VERSION = 1
GZIP = 31  # zlib's wbits for a gzip stream
LEVEL = 4  # measured on a million entries: close to level 6's size, at twice its speed
CHUNK_BYTES = 256 * 1024
MAX_LINE_BYTES = 16 * 1024 * 1024  # a record is a few hundred bytes; an account a few MB at most


class BackupInvalidError(AppError):
    code = "BACKUP_INVALID"


class BackupVersionError(AppError):
    code = "BACKUP_VERSION"


def record_line(record: dict[str, Any]) -> bytes:
    text = json.dumps(record, separators=(",", ":"), ensure_ascii=False, default=json_default)
    return text.encode() + b"\n"


class _Fraction(ValueError):
    """No field of a backup holds a number with a fraction: money is in minor units."""


def _no_float(text: str) -> float:
    raise _Fraction(text[:20])


class Writer:
    """Lines in, gzip out, hashed as they go: `add` buffers, `take` hands out what is ready."""

    def __init__(self, level: int = LEVEL) -> None:
        self._hash = hashlib.sha256()
        self._zip = zlib.compressobj(level, zlib.DEFLATED, GZIP)
        self._out: list[bytes] = []
        self._size = 0

    def add(self, record: dict[str, Any]) -> None:
        line = record_line(record)
        self._hash.update(line)
        if out := self._zip.compress(line):
            self._out.append(out)
            self._size += len(out)

    def ready(self) -> bool:
        return self._size >= CHUNK_BYTES

    def take(self) -> bytes:
        out, self._out, self._size = b"".join(self._out), [], 0
        return out

    def finish(self) -> bytes:
        """The checksum line and the end of the gzip stream, after what is buffered."""
        last = record_line({"type": "sha256", "sha256": self._hash.hexdigest()})
        return self.take() + self._zip.compress(last) + self._zip.flush()


def _invalid(message: str) -> BackupInvalidError:
    return BackupInvalidError(message, field=["fileId"])


async def lines(chunks: AsyncIterator[bytes]) -> AsyncGenerator[bytes, None]:
    """The file's lines (with their newline), decompressed as the chunks arrive, a bounded
    piece at a time (a small file may unpack to a great deal)."""
    unzip = zlib.decompressobj(GZIP)
    pending = b""
    try:
        async for chunk in chunks:
            data = chunk
            while data:
                pending += unzip.decompress(data, CHUNK_BYTES)
                data = unzip.unconsumed_tail
                if unzip.unused_data:
                    raise _invalid("This file has data after its end: it is not a backup.")
                *whole, pending = pending.split(b"\n")
                for line in whole:
                    yield line + b"\n"
                await asyncio.sleep(0)  # a few hundred lines at a time: other requests go on
                if len(pending) > MAX_LINE_BYTES:
                    raise _invalid("This file is not a backup (a line is too long).")
        pending += unzip.flush()
    except zlib.error:
        raise _invalid("This file is damaged or not a backup (it is not gzip).") from None
    if not unzip.eof:
        raise _invalid("This backup is truncated: download it again.")
    if pending:
        raise _invalid("This backup is truncated: its last line is cut.")


def parse(line: bytes) -> dict[str, Any]:
    try:
        record = json.loads(line, parse_float=_no_float)
    except _Fraction:
        raise _invalid(
            "This backup holds a fraction where amounts are whole minor units."
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise _invalid("This backup holds a line that is not JSON.") from None
    if not isinstance(record, dict) or not isinstance(record.get("type"), str):
        raise _invalid("This backup holds a line that is not a record.")
    return record


def check_header(record: dict[str, Any]) -> dict[str, Any]:
    if record.get("type") != "header" or record.get("format") != FORMAT:
        raise _invalid("This file is not an Envelopes household backup.")
    version = record.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _invalid("This backup has no valid format version.")
    if version > VERSION:
        raise BackupVersionError(
            f"This backup was made by a newer version of Envelopes (format {version}; this "
            f"one reads format {VERSION}). Update, then restore it.",
            field=["fileId"],
        )
    return record


def record_type(line: bytes) -> str:
    """The type of a line as written by `record_line` (`{"type":"…",`), without parsing it."""
    if not line.startswith(b'{"type":"'):
        raise _invalid("This backup holds a line that is not a record.")
    end = line.find(b'"', 9)
    return line[9:end].decode("ascii", "replace")


@dataclass
class Contents:
    """What `verify` found: the header, the manifest, the records counted by type."""

    header: dict[str, Any] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    entries: list[int] = field(default_factory=list)  # per account, in file order

    @property
    def entries_total(self) -> int:
        return sum(self.entries)


async def verify(chunks: AsyncIterator[bytes], known_types: set[str]) -> Contents:
    """Read the whole file and check it (see the module docstring); its contents."""
    digest, found = hashlib.sha256(), Contents()
    previous: bytes | None = None  # every line is hashed once the next one shows it is not last
    manifest_line: bytes | None = None
    async for line in lines(chunks):
        if previous is None:
            found.header = check_header(parse(line))
        else:
            digest.update(previous)
            kind = record_type(previous)
            if kind not in known_types | {"header", "user", "manifest"}:
                raise _invalid(f"This backup holds an unexpected record ({kind[:40]}).")
            found.counts[kind] = found.counts.get(kind, 0) + 1
            if kind == "account":
                found.entries.append(0)
            elif kind == "entry" and found.entries:
                found.entries[-1] += 1
        manifest_line, previous = previous, line
    if previous is None or manifest_line is None:
        raise _invalid("This backup is empty.")
    last = parse(previous)
    if last.get("type") != "sha256":
        raise _invalid("This backup is truncated: it does not end with its checksum.")
    if last.get("sha256") != digest.hexdigest():
        raise _invalid("This backup is damaged: its checksum does not match its contents.")
    # The manifest was counted as a record: it must be the one, and next to last.
    if record_type(manifest_line) != "manifest" or found.counts.pop("manifest") != 1:
        raise _invalid("This backup has no manifest where it belongs.")
    found.manifest = parse(manifest_line)
    _check_manifest(found)
    return found


def _check_manifest(found: Contents) -> None:
    manifest = found.manifest
    if manifest.get("type") != "manifest":
        raise _invalid("This backup has no manifest.")
    counts = {k: v for k, v in found.counts.items() if v and k not in ("header", "user")}
    declared = manifest.get("counts")
    accounts = manifest.get("accounts")
    if not isinstance(declared, dict) or not isinstance(accounts, list):
        raise _invalid("This backup's manifest is not valid.")
    if {k: v for k, v in declared.items() if v} != counts:
        raise _invalid("This backup's records disagree with its manifest.")
    per_account = [a.get("entries") if isinstance(a, dict) else None for a in accounts]
    if per_account != found.entries:
        raise _invalid("This backup's entries disagree with its manifest.")
