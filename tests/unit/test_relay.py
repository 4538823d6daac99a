import pytest

from app.core.errors import ValidationError
from app.graphql.relay import MAX_PAGE_SIZE, from_global_id, page_request, to_global_id


def test_global_id_round_trips_and_is_opaque() -> None:
    global_id = to_global_id("User", "65f0c0ffee")
    assert "User" not in global_id
    assert from_global_id(global_id) == ("User", "65f0c0ffee")


@pytest.mark.parametrize("garbage", ["", "!!!", "bm9jb2xvbg", "OnJhdw"])
def test_foreign_ids_decode_to_none(garbage: str) -> None:
    assert from_global_id(garbage) is None


class TestPageRequest:
    def test_default_page_is_twenty_forward(self) -> None:
        request, size = page_request(None, None, None, None)
        assert size == 20
        assert request.last is None

    def test_page_size_is_capped_at_one_hundred(self) -> None:
        assert page_request(MAX_PAGE_SIZE, None, None, None)[1] == 100
        with pytest.raises(ValidationError, match="between 0 and 100") as caught:
            page_request(101, None, None, None)
        assert caught.value.field == ["first"]
        with pytest.raises(ValidationError):
            page_request(None, None, 101, None)

    def test_negative_size_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            page_request(-1, None, None, None)

    @pytest.mark.parametrize(
        ("first", "after", "last", "before"),
        [(5, None, 5, None), (None, None, None, "c"), (None, "c", 5, None)],
    )
    def test_mixed_directions_are_refused(
        self, first: int | None, after: str | None, last: int | None, before: str | None
    ) -> None:
        with pytest.raises(ValidationError):
            page_request(first, after, last, before)
