"""The delta-sync cursor (app/services/sync/cursor.py): what `encode` gives `decode` takes back,
and anything else is a VALIDATION error on `since`, never a crash."""

from __future__ import annotations

import json

import pytest

from app.core.errors import ValidationError
from app.core.ids import ObjectId
from app.core.tokens_b64 import b64url_encode
from app.services.sync.cursor import MAX_ACCOUNTS, Position, decode, encode


def raw(value: object) -> str:
    return b64url_encode(json.dumps(value).encode())


ACCOUNT, ENTRY = ObjectId(), ObjectId()


class TestRoundTrip:
    def test_no_cursor_and_an_empty_one_are_the_start(self) -> None:
        assert decode(None) == {}
        assert decode("") == {}
        assert decode(encode({})) == {}

    @pytest.mark.parametrize(
        "position",
        [
            pytest.param(Position(12, 12), id="whole"),
            pytest.param(Position(12, 7, ENTRY), id="within-a-stamp"),
            pytest.param(Position(3, -1, ENTRY), id="within-unstamped-entries"),
            pytest.param(Position(2**63 - 1, 0), id="largest-counter"),
        ],
    )
    def test_positions_come_back_as_they_were(self, position: Position) -> None:
        cursor = {ACCOUNT: position, ObjectId(): Position(1, 1)}
        assert decode(encode(cursor)) == cursor

    def test_the_encoding_does_not_depend_on_the_order_accounts_were_added(self) -> None:
        first, second = ObjectId(), ObjectId()
        one = {first: Position(1, 1), second: Position(2, 2)}
        other = {second: Position(2, 2), first: Position(1, 1)}
        assert encode(one) == encode(other)

    def test_a_cursor_is_url_safe_text(self) -> None:
        text = encode({ACCOUNT: Position(5, 4, ENTRY)})
        assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    def test_entries_are_done_when_every_stamp_up_to_the_version_is_delivered(self) -> None:
        assert Position(5, 5).entries_done(5)
        assert not Position(5, 5, ENTRY).entries_done(5)
        assert not Position(5, 4).entries_done(5)
        assert not Position(5, 5).entries_done(6)


BAD = [
    pytest.param("not base64!", id="not-base64"),
    pytest.param(b64url_encode(b"\xff\xfe"), id="not-utf8"),
    pytest.param(b64url_encode(b"{"), id="not-json"),
    pytest.param(raw({"a": 1}), id="an-object"),
    pytest.param(raw([2, []]), id="another-format"),
    pytest.param(raw([1, {}]), id="rows-not-a-list"),
    pytest.param(raw([1, [[str(ACCOUNT), 1, 1]]]), id="a-row-too-short"),
    pytest.param(raw([1, [[str(ACCOUNT), 1, 1, None, 5]]]), id="a-row-too-long"),
    pytest.param(raw([1, [["nope", 1, 1, None]]]), id="not-an-id"),
    pytest.param(raw([1, [[str(ACCOUNT), 1, 1, "nope"]]]), id="entry-not-an-id"),
    pytest.param(raw([1, [[str(ACCOUNT), -5, 1, None]]]), id="negative-version"),
    pytest.param(raw([1, [[str(ACCOUNT), 1, -2, None]]]), id="below-every-stamp"),
    pytest.param(raw([1, [[str(ACCOUNT), 2**63, 1, None]]]), id="beyond-int64"),
    pytest.param(raw([1, [[str(ACCOUNT), 1.5, 1, None]]]), id="a-float"),
    pytest.param(raw([1, [[str(ACCOUNT), True, 1, None]]]), id="a-boolean"),
    pytest.param(raw([1, [[str(ACCOUNT), "1", 1, None]]]), id="a-string-counter"),
    pytest.param(raw([1, [[str(ACCOUNT), 1, 1, None]] * 2]), id="an-account-twice"),
    pytest.param(
        raw([1, [[str(ObjectId()), 1, 1, None] for _ in range(MAX_ACCOUNTS + 1)]]),
        id="too-many-accounts",
    ),
    pytest.param("A" * 200_000, id="too-long"),
]


@pytest.mark.parametrize("text", BAD)
def test_anything_else_is_a_validation_error_on_since(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        decode(text)
    assert refused.value.field == ["since"]
