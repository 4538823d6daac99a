from datetime import UTC, datetime

import pytest
from bson import ObjectId

from app.core.errors import ValidationError
from app.persistence.keyset import _beyond, decode_cursor, encode_cursor

SORT = [("created_at", -1), ("_id", -1)]


def test_cursor_round_trips_dates_and_object_ids() -> None:
    row = {"created_at": datetime(2026, 11, 22, 8, 30, tzinfo=UTC), "_id": ObjectId()}
    values = decode_cursor(encode_cursor(row, SORT), SORT, "after")
    assert values == [row["created_at"], row["_id"]]


@pytest.mark.parametrize("bad", ["", "x", "bm90IGpzb24", "WzFd"])
def test_malformed_cursor_is_a_validation_error_on_its_argument(bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        decode_cursor(bad, SORT, "before")
    assert caught.value.field == ["before"]


def test_forward_on_a_descending_sort_reads_smaller_keys() -> None:
    assert _beyond(SORT, [5, 9], forward=True) == {
        "$or": [{"created_at": {"$lt": 5}}, {"created_at": 5, "_id": {"$lt": 9}}]
    }


def test_backward_on_a_descending_sort_reads_larger_keys() -> None:
    assert _beyond(SORT, [5, 9], forward=False) == {
        "$or": [{"created_at": {"$gt": 5}}, {"created_at": 5, "_id": {"$gt": 9}}]
    }
