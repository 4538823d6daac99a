import pytest

from app.core.settings import DEV_JWT_SECRET, Settings

GOOD_SECRET = "0123456789abcdef0123456789abcdef"


class TestSecretRefusal:
    def test_missing_secret_is_refused_outside_dev_mode(self) -> None:
        with pytest.raises(ValueError, match="ENVELOPES_JWT_SECRET"):
            Settings(jwt_secret=None)

    @pytest.mark.parametrize("weak", ["secret", "changeme", DEV_JWT_SECRET, "short-but-random"])
    def test_default_or_short_secret_is_refused(self, weak: str) -> None:
        with pytest.raises(ValueError, match="ENVELOPES_JWT_SECRET"):
            Settings(jwt_secret=weak)

    def test_dev_mode_falls_back_to_the_development_secret(self) -> None:
        assert Settings(dev_mode=True).secret == DEV_JWT_SECRET

    def test_a_long_random_secret_is_accepted(self) -> None:
        assert Settings(jwt_secret=GOOD_SECRET).secret == GOOD_SECRET

    def test_dev_mode_and_production_together_are_refused(self) -> None:
        with pytest.raises(ValueError, match="cannot both be on"):
            Settings(dev_mode=True, production=True)


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVELOPES_JWT_SECRET", GOOD_SECRET)
    monkeypatch.setenv("ENVELOPES_PRODUCTION", "true")
    monkeypatch.setenv("ENVELOPES_MAX_QUERY_DEPTH", "7")
    settings = Settings()
    assert settings.production
    assert not settings.introspection_enabled
    assert not settings.playground_enabled
    assert settings.max_query_depth == 7
