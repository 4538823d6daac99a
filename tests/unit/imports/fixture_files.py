"""The shared import fixtures: real bank exports with the results their projects expect.

They live next to the checkout (`../shared/import-fixtures/`) and are read in place, never
copied into the repository; without them the fixture tests are skipped, saying why.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = (Path(__file__).resolve().parents[3] / ".." / "shared" / "import-fixtures").resolve()
FOLDERS = ("actual", "quiffen")
MISSING = f"the shared import fixtures are not next to this checkout ({FIXTURES})"

# The account's currency for each file (the statement's own, where it declares one).
CURRENCIES = {
    "1252.qfx": "CAD",
    "8859-1.qfx": "CAD",
    "utf-8.qfx": "CAD",
    "html-vals.qfx": "CAD",
    "utf-8-bom.csv": "HUF",
}


def currency_of(file: str) -> str:
    if file.startswith("camt/"):
        return "EUR"
    return CURRENCIES.get(file, "USD")


def entries(keys: tuple[str, ...] = ()) -> list[Any]:
    """One pytest param per EXPECTED.json entry (folder/file as its id); with `keys`, only
    the entries that have one of them."""
    if not FIXTURES.is_dir():
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=MISSING), id="missing")]
    params = []
    for folder in FOLDERS:
        for entry in json.loads((FIXTURES / folder / "EXPECTED.json").read_text("utf-8")):
            if keys and not any(key in entry for key in keys):
                continue
            params.append(pytest.param(folder, entry, id=f"{folder}/{entry['file']}"))
    return params


def read(folder: str, file: str) -> bytes:
    return (FIXTURES / folder / file).read_bytes()


needs_fixtures = pytest.mark.skipif(not FIXTURES.is_dir(), reason=MISSING)
