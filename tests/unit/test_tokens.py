from datetime import UTC, datetime, timedelta

import jwt
import pytest
from beanie import PydanticObjectId

from app.core.errors import UnauthenticatedError
from app.services.tokens import AccessTokens, hash_refresh_token, new_refresh_token

SECRET = "unit-test-secret-0123456789abcdef0123"
USER, LOGIN = PydanticObjectId(), PydanticObjectId()


def test_issued_token_decodes_to_its_user_and_login() -> None:
    tokens = AccessTokens(SECRET, 900)
    token, expires_at = tokens.issue(USER, LOGIN, datetime.now(UTC))
    claims = tokens.decode(token)
    assert (claims.user_id, claims.login_id) == (USER, LOGIN)
    assert timedelta(seconds=899) < expires_at - datetime.now(UTC) <= timedelta(seconds=900)


def test_token_carries_the_standard_claims() -> None:
    token, _ = AccessTokens(SECRET, 900).issue(USER, LOGIN, datetime.now(UTC))
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert set(claims) == {"sub", "sid", "iat", "exp", "jti"}
    assert claims["exp"] - claims["iat"] == 900


def test_expired_token_is_refused_as_expired() -> None:
    tokens = AccessTokens(SECRET, 900)
    token, _ = tokens.issue(USER, LOGIN, datetime.now(UTC) - timedelta(hours=1))
    with pytest.raises(UnauthenticatedError, match="expired"):
        tokens.decode(token)


def test_token_signed_with_another_secret_is_refused() -> None:
    token, _ = AccessTokens("another-secret-0123456789abcdef0123", 900).issue(
        USER, LOGIN, datetime.now(UTC)
    )
    with pytest.raises(UnauthenticatedError, match="Invalid"):
        AccessTokens(SECRET, 900).decode(token)


def test_unsigned_token_is_refused() -> None:
    now = int(datetime.now(UTC).timestamp())
    claims = {"sub": str(USER), "sid": str(LOGIN), "iat": now, "exp": now + 60, "jti": "x"}
    token = jwt.encode(claims, key=None, algorithm="none")
    with pytest.raises(UnauthenticatedError):
        AccessTokens(SECRET, 900).decode(token)


def test_token_without_a_login_id_is_refused() -> None:
    now = int(datetime.now(UTC).timestamp())
    token = jwt.encode({"sub": str(USER), "iat": now, "exp": now + 60, "jti": "x"}, SECRET)
    with pytest.raises(UnauthenticatedError):
        AccessTokens(SECRET, 900).decode(token)


def test_token_with_a_malformed_subject_is_refused() -> None:
    now = int(datetime.now(UTC).timestamp())
    claims = {"sub": "nope", "sid": str(LOGIN), "iat": now, "exp": now + 60, "jti": "x"}
    with pytest.raises(UnauthenticatedError):
        AccessTokens(SECRET, 900).decode(jwt.encode(claims, SECRET))


def test_garbage_is_refused() -> None:
    with pytest.raises(UnauthenticatedError):
        AccessTokens(SECRET, 900).decode("not.a.jwt")


class TestVerifiedTokensRemembered:
    """A token verified once answers again without PyJWT, with its expiry still checked."""

    def test_a_remembered_token_still_expires_at_its_exp(self) -> None:
        now = [datetime.now(UTC).timestamp()]
        tokens = AccessTokens(SECRET, 900, clock=lambda: now[0])
        token, expires_at = tokens.issue(USER, LOGIN, datetime.now(UTC))
        assert tokens.decode(token).login_id == LOGIN  # verified, then remembered
        now[0] = expires_at.timestamp() - 1
        assert tokens.decode(token).user_id == USER
        now[0] = expires_at.timestamp()
        with pytest.raises(UnauthenticatedError, match="expired"):
            tokens.decode(token)

    def test_a_refused_token_is_not_remembered(self) -> None:
        tokens = AccessTokens(SECRET, 900)
        token, _ = AccessTokens("another-secret-0123456789abcdef0123", 900).issue(
            USER, LOGIN, datetime.now(UTC)
        )
        for _ in range(2):
            with pytest.raises(UnauthenticatedError, match="Invalid"):
                tokens.decode(token)

    def test_a_changed_character_is_another_token(self) -> None:
        tokens = AccessTokens(SECRET, 900)
        token, _ = tokens.issue(USER, LOGIN, datetime.now(UTC))
        tokens.decode(token)
        tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        with pytest.raises(UnauthenticatedError, match="Invalid"):
            tokens.decode(tampered)


def test_refresh_tokens_are_random_and_stored_only_as_a_hash() -> None:
    first, second = new_refresh_token(), new_refresh_token()
    assert first != second
    assert len(first) >= 43
    assert hash_refresh_token(first) == hash_refresh_token(first)
    assert first not in hash_refresh_token(first)
