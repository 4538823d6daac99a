"""A 100,000-row CSV streams through in bounded batches."""

from __future__ import annotations

import io
from collections.abc import Iterator

from app.services.imports.formats import CsvMapping, ImportRow, iter_csv_rows

ROWS = 100_000
BATCH = 1_000


class GeneratedExport(io.RawIOBase):
    """A bank export written as it is read: the whole file never exists in memory."""

    def __init__(self, rows: int) -> None:
        self._lines = self._generate(rows)
        self._pending = b""
        self.high_water = 0

    @staticmethod
    def _generate(rows: int) -> Iterator[bytes]:
        yield "Buchungstag;Empfänger;Verwendungszweck;Betrag\n".encode()
        for n in range(rows):
            day = 1 + n % 28
            amount = f"-{n % 5000},{n % 100:02d}" if n % 7 else f"1.{n % 1000:03d},00"
            yield f"{day:02d}.03.2024;Laden {n % 97};Kauf {n};{amount}\n".encode()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while len(self._pending) < len(buffer):
            line = next(self._lines, b"")
            if not line:
                break
            self._pending += line
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        self.high_water = max(self.high_water, len(buffer))
        return size


def test_a_hundred_thousand_rows_come_in_bounded_batches() -> None:
    mapping = CsvMapping(
        date="Buchungstag",
        amount="Betrag",
        payee="Empfänger",
        memo="Verwendungszweck",
        date_format="%d.%m.%Y",
        decimal_separator=",",
        thousands_separator=".",
        delimiter=";",
    )
    export = GeneratedExport(ROWS)
    stream = io.BufferedReader(export)
    sizes = []
    last: ImportRow | None = None
    for batch in iter_csv_rows(stream, mapping, BATCH, currency="EUR"):
        sizes.append(len(batch))
        assert all(isinstance(item, ImportRow) for item in batch)
        item = batch[-1]
        assert isinstance(item, ImportRow)
        last = item
    assert sum(sizes) == ROWS
    assert max(sizes) <= BATCH
    assert len(sizes) == ROWS // BATCH
    assert last is not None
    assert (last.line, last.memo) == (ROWS + 1, f"Kauf {ROWS - 1}")
    # The reader pulls the file a buffer at a time, never the whole of it.
    assert export.high_water <= 1024 * 1024
