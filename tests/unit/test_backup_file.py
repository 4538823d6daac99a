"""The household backup file's own rules, without a database: what `Writer` writes, `verify`
reads back, and every way a file is refused as a whole."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from app.core.ids import ObjectId
from app.services.backups.file_format import (
    BackupInvalidError,
    BackupVersionError,
    Writer,
    parse,
    record_line,
    verify,
)

KNOWN = {"account", "entry"}
HEADER = {"type": "header", "format": "envelopes-household-backup", "version": 1}


def household(entries: int = 3) -> list[dict[str, Any]]:
    account = ObjectId()
    rows: list[dict[str, Any]] = [HEADER, {"type": "account", "data": {"id": account}}]
    rows += [
        {"type": "entry", "data": {"account_id": account, "seq": i, "amount": 100,
                                   "booking_date": datetime(2024, 1, i, tzinfo=UTC)}}
        for i in range(1, entries + 1)
    ]  # fmt: skip
    rows.append({"type": "manifest", "counts": {"account": 1, "entry": entries},
                 "accounts": [{"id": str(account), "entries": entries}]})  # fmt: skip
    return rows


def written(rows: list[dict[str, Any]]) -> bytes:
    writer = Writer()
    for row in rows:
        writer.add(row)
    return writer.take() + writer.finish()


async def chunks(data: bytes, size: int = 7) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


class TestWriting:
    async def test_what_is_written_verifies_with_its_counts(self) -> None:
        found = await verify(chunks(written(household(3))), KNOWN)
        assert found.counts == {"header": 1, "account": 1, "entry": 3}
        assert found.entries == [3]
        assert found.entries_total == 3

    async def test_ids_and_moments_are_written_as_text(self) -> None:
        text = gzip.decompress(written(household(1))).decode()
        assert '"booking_date":"2024-01-01T00:00:00+00:00"' in text
        assert '"amount":100,' in text

    async def test_the_last_line_is_the_sha256_of_everything_before_it(self) -> None:
        text = gzip.decompress(written(household(2)))
        body, last = text[: text.rstrip(b"\n").rfind(b"\n") + 1], text.splitlines()[-1]
        assert last == record_line(
            {"type": "sha256", "sha256": hashlib.sha256(body).hexdigest()}
        ).rstrip(b"\n")


class TestRefusing:
    async def refused(self, data: bytes) -> str:
        with pytest.raises(BackupInvalidError) as caught:
            await verify(chunks(data), KNOWN)
        return caught.value.message

    async def test_a_changed_byte(self) -> None:
        text = bytearray(gzip.decompress(written(household())))
        text[text.index(b'"amount":100') + 9] = ord("2")
        assert "checksum" in await self.refused(gzip.compress(bytes(text)))

    async def test_a_cut_gzip_stream(self) -> None:
        data = written(household())
        assert "truncated" in await self.refused(data[:-12])

    async def test_a_file_cut_after_a_whole_line(self) -> None:
        lines = gzip.decompress(written(household())).splitlines(keepends=True)
        assert "truncated" in await self.refused(gzip.compress(b"".join(lines[:-1])))

    async def test_not_gzip(self) -> None:
        assert "not gzip" in await self.refused(b"date,amount\n")

    async def test_another_format(self) -> None:
        rows = household()
        rows[0] = {**HEADER, "format": "something-else"}
        assert "not an Envelopes" in await self.refused(written(rows))

    async def test_a_version_from_the_future(self) -> None:
        rows = household()
        rows[0] = {**HEADER, "version": 2}
        with pytest.raises(BackupVersionError):
            await verify(chunks(written(rows)), KNOWN)

    async def test_records_that_disagree_with_the_manifest(self) -> None:
        rows = household(3)
        del rows[2]
        assert "manifest" in await self.refused(written(rows))

    async def test_an_unknown_record_type(self) -> None:
        rows = household()
        rows.insert(2, {"type": "mystery", "data": {}})
        assert "unexpected record" in await self.refused(written(rows))

    async def test_no_manifest(self) -> None:
        rows = [r for r in household() if r["type"] != "manifest"]
        assert "no manifest" in await self.refused(written(rows))

    async def test_data_after_the_end(self) -> None:
        assert "after its end" in await self.refused(written(household()) + b"\x1f\x8b")

    async def test_an_empty_file(self) -> None:
        assert "empty" in await self.refused(gzip.compress(b""))

    def test_a_fraction_is_refused_where_money_is_whole_minor_units(self) -> None:
        with pytest.raises(BackupInvalidError, match="fraction"):
            parse(b'{"type":"entry","data":{"amount":100.0}}\n')
        assert parse(b'{"type":"entry","data":{"amount":100}}\n')["data"] == {"amount": 100}
