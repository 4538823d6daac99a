"""Import ids: the same file twice gives the same ids; identical rows stay distinct."""

from __future__ import annotations

from datetime import date

from app.services.imports.formats import FileFormat, ImportRow, import_id, occurrences, parse

from .fixture_files import needs_fixtures, read

TWO_COFFEES = b"Date,Payee,Amount\n2024-03-01,Coffee,-3.50\n2024-03-01,COFFEE ,-3.50\n"


def ids(data: bytes, account: str = "acct-1") -> list[str]:
    rows = parse(data, filename="x.csv", currency="EUR").rows
    return [import_id(row, account, n) for row, n in zip(rows, occurrences(rows), strict=True)]


class TestHashedIds:
    def test_the_same_file_parsed_twice_gives_the_same_ids(self) -> None:
        assert ids(TWO_COFFEES) == ids(TWO_COFFEES)

    def test_the_second_identical_row_gets_another_id(self) -> None:
        first, second = ids(TWO_COFFEES)
        assert first != second
        assert first.startswith("hash:")
        assert len(first) == len("hash:") + 32

    def test_the_payee_is_compared_without_case_and_spacing(self) -> None:
        rows = parse(TWO_COFFEES, filename="x.csv", currency="EUR").rows
        assert occurrences(rows) == [1, 2]

    def test_another_account_gives_other_ids(self) -> None:
        assert set(ids(TWO_COFFEES, "acct-1")).isdisjoint(ids(TWO_COFFEES, "acct-2"))

    def test_the_id_does_not_depend_on_the_line(self) -> None:
        moved = b"Date,Payee,Amount\n\n\n2024-03-01,Coffee,-3.50\n"
        assert ids(moved)[0] == ids(TWO_COFFEES)[0]


class TestBankIds:
    def test_a_fitid_is_the_id_prefixed_by_the_format(self) -> None:
        row = ImportRow(1, date(2024, 1, 1), -100, FileFormat.OFX, fitid="ABC-1")
        assert import_id(row, "acct-1", 1) == "ofx:ABC-1"

    @needs_fixtures
    def test_look_alike_ofx_rows_keep_their_own_fitids(self) -> None:
        rows = parse(read("actual", "data.ofx"), filename="data.ofx", currency="USD").rows
        found = [import_id(row, "a", n) for row, n in zip(rows, occurrences(rows), strict=True)]
        assert len(set(found)) == 10

    @needs_fixtures
    def test_a_qif_file_imported_twice_gives_the_same_ids(self) -> None:
        data = read("actual", "data.qif")
        runs = [parse(data, filename="data.qif", currency="USD").rows for _ in range(2)]
        found = [
            [import_id(row, "a", n) for row, n in zip(rows, occurrences(rows), strict=True)]
            for rows in runs
        ]
        assert found[0] == found[1]
        assert len(set(found[0])) == 18
