import pytest

from app.core.errors import ValidationError
from app.domain import identity


class TestEmail:
    def test_key_ignores_case_and_surrounding_space(self) -> None:
        assert identity.email_key("  Ana.Silva@Example.COM ") == "ana.silva@example.com"

    def test_clean_email_keeps_the_case_the_user_typed(self) -> None:
        assert identity.clean_email(" Ana@Example.com ") == "Ana@Example.com"

    @pytest.mark.parametrize("bad", ["", "ana", "ana@", "@example.com", "ana@example", "a b@c.de"])
    def test_malformed_email_is_a_validation_error_on_the_email_field(self, bad: str) -> None:
        with pytest.raises(ValidationError) as caught:
            identity.clean_email(bad)
        assert caught.value.field == ["email"]

    def test_overlong_email_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            identity.clean_email("a" * 250 + "@example.com")


class TestPassword:
    def test_ten_characters_is_enough(self) -> None:
        identity.check_password("x" * 10)

    def test_nine_characters_is_too_short(self) -> None:
        with pytest.raises(ValidationError, match="at least 10") as caught:
            identity.check_password("x" * 9)
        assert caught.value.field == ["password"]

    def test_field_name_can_be_chosen(self) -> None:
        with pytest.raises(ValidationError) as caught:
            identity.check_password("short", field="newPassword")
        assert caught.value.field == ["newPassword"]

    def test_absurdly_long_password_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="at most"):
            identity.check_password("x" * 257)


class TestDisplayName:
    def test_inner_whitespace_is_folded(self) -> None:
        assert identity.clean_display_name("  Ana   Silva ") == "Ana Silva"

    @pytest.mark.parametrize("bad", ["", "   ", "x" * 81])
    def test_empty_or_long_name_is_refused(self, bad: str) -> None:
        with pytest.raises(ValidationError):
            identity.clean_display_name(bad)


def test_avatar_colour_is_stable_per_email_and_from_the_palette() -> None:
    first = identity.avatar_color_for("ana@example.com")
    assert first == identity.avatar_color_for("ana@example.com")
    assert first in identity.AVATAR_COLORS
    colours = {identity.avatar_color_for(f"user{i}@example.com") for i in range(50)}
    assert len(colours) > 5
