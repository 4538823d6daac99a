"""Access tokens (HS256 JWT, short-lived) and refresh tokens (opaque, stored hashed)."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from app.core.errors import UnauthenticatedError
from app.core.ids import ObjectId, parse_object_id

ALGORITHM = "HS256"
_REQUIRED_CLAIMS = ["sub", "sid", "iat", "exp", "jti"]
# Access tokens verified once and remembered by their exact text (a client sends the same
# token with every request until it refreshes it): at most this many, then forgotten at once.
MAX_VERIFIED = 4096


@dataclass(frozen=True)
class AccessClaims:
    user_id: ObjectId
    login_id: ObjectId
    expires_at: datetime


class AccessTokens:
    """Issues and verifies access tokens. A token verified once is remembered by its exact
    text, so a request with it costs no signature check or JSON parse again; its expiry is
    still checked every time (`clock`: seconds since the epoch, as PyJWT's check)."""

    def __init__(
        self, secret: str, ttl_seconds: int, clock: Callable[[], float] = time.time
    ) -> None:
        self._secret = secret
        self.ttl = timedelta(seconds=ttl_seconds)
        self._clock = clock
        self._verified: dict[str, tuple[AccessClaims, float]] = {}  # token -> claims, exp

    def issue(self, user_id: ObjectId, login_id: ObjectId, now: datetime) -> tuple[str, datetime]:
        expires_at = now + self.ttl
        claims = {
            "sub": str(user_id),
            "sid": str(login_id),
            "iat": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM), expires_at

    def decode(self, token: str) -> AccessClaims:
        """Verify signature and expiry. Any defect is the same UNAUTHENTICATED answer."""
        known = self._verified.get(token)
        if known is None:
            return self._verify(token)
        claims, expires = known
        if expires <= self._clock():  # PyJWT's rule: expired from the `exp` second on
            self._verified.pop(token, None)
            raise UnauthenticatedError("Access token expired.")
        return claims

    def _verify(self, token: str) -> AccessClaims:
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=[ALGORITHM], options={"require": _REQUIRED_CLAIMS}
            )
        except jwt.ExpiredSignatureError:
            raise UnauthenticatedError("Access token expired.") from None
        except jwt.InvalidTokenError:
            raise UnauthenticatedError("Invalid access token.") from None
        user_id, login_id = _object_id(claims["sub"]), _object_id(claims["sid"])
        if user_id is None or login_id is None:
            raise UnauthenticatedError("Invalid access token.")
        verified = AccessClaims(user_id, login_id, datetime.fromtimestamp(claims["exp"], UTC))
        if len(self._verified) >= MAX_VERIFIED:
            self._verified.clear()
        self._verified[token] = verified, claims["exp"]
        return verified


def _object_id(value: object) -> ObjectId | None:
    return parse_object_id(value) if isinstance(value, str) else None


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    # The token carries 256 random bits, so a fast hash is enough to make a stolen
    # database useless for signing in; no salt or slow hash is needed.
    return hashlib.sha256(token.encode()).hexdigest()


EXPORT_AUDIENCE = "envelopes:history-export"
_EXPORT_CLAIMS = ["sub", "sid", "acc", "flt", "iat", "exp", "aud"]


@dataclass(frozen=True)
class ExportClaims:
    """What a download link of a history export grants: this user (while this login is
    open) reads this account's entries matching this filter (as `HistoryFilter.to_claims`)."""

    user_id: ObjectId
    login_id: ObjectId
    account_id: ObjectId
    filter: dict[str, object]


class ExpiredLinkError(UnauthenticatedError):
    """A well-signed download link whose time is up."""


def _link_claims(token: str, secret: str, audience: str, required: list[str]) -> dict[str, Any]:
    """The claims of a download link, signature, audience and expiry verified."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token, secret, algorithms=[ALGORITHM], audience=audience, options={"require": required}
        )
    except jwt.ExpiredSignatureError:
        raise ExpiredLinkError("This download link has expired.") from None
    except jwt.InvalidTokenError:
        raise UnauthenticatedError("Invalid download link.") from None
    return claims


class ExportTokens:
    """Download links of history exports: HS256 JWTs with their own audience, so an access
    token is no export link and an export link no access token (its audience is refused
    there, and it has no `jti`)."""

    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._secret = secret
        self.ttl = timedelta(seconds=ttl_seconds)

    def issue(self, claims: ExportClaims, now: datetime) -> tuple[str, datetime]:
        expires_at = now + self.ttl
        payload = {
            "sub": str(claims.user_id),
            "sid": str(claims.login_id),
            "acc": str(claims.account_id),
            "flt": claims.filter,
            "aud": EXPORT_AUDIENCE,
            "iat": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
        }
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM), expires_at

    def decode(self, token: str) -> ExportClaims:
        """Verify signature, audience and expiry: ExpiredLinkError when only the time is up,
        UnauthenticatedError for any other defect."""
        claims = _link_claims(token, self._secret, EXPORT_AUDIENCE, _EXPORT_CLAIMS)
        ids = [_object_id(claims[name]) for name in ("sub", "sid", "acc")]
        user_id, login_id, account_id = ids
        if user_id is None or login_id is None or account_id is None:
            raise UnauthenticatedError("Invalid download link.")
        if not isinstance(claims["flt"], dict):
            raise UnauthenticatedError("Invalid download link.")
        return ExportClaims(user_id, login_id, account_id, claims["flt"])


BACKUP_AUDIENCE = "envelopes:household-backup"
_BACKUP_CLAIMS = ["sub", "sid", "acc", "iat", "exp", "aud"]
ALL_ACCOUNTS = "*"  # every account the user owns


@dataclass(frozen=True)
class BackupClaims:
    """What a download link of a household backup grants: this user (while this login is
    open) downloads the accounts they own (`account_ids` None: all of them)."""

    user_id: ObjectId
    login_id: ObjectId
    account_ids: tuple[ObjectId, ...] | None


class BackupTokens:
    """Download links of household backups: like `ExportTokens`, with their own audience."""

    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._secret = secret
        self.ttl = timedelta(seconds=ttl_seconds)

    def issue(self, claims: BackupClaims, now: datetime) -> tuple[str, datetime]:
        expires_at = now + self.ttl
        accounts: object = ALL_ACCOUNTS
        if claims.account_ids is not None:
            accounts = [str(i) for i in claims.account_ids]
        payload = {
            "sub": str(claims.user_id),
            "sid": str(claims.login_id),
            "acc": accounts,
            "aud": BACKUP_AUDIENCE,
            "iat": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
        }
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM), expires_at

    def decode(self, token: str) -> BackupClaims:
        """ExpiredLinkError when only the time is up, UnauthenticatedError for any other
        defect."""
        claims = _link_claims(token, self._secret, BACKUP_AUDIENCE, _BACKUP_CLAIMS)
        user_id, login_id = _object_id(claims["sub"]), _object_id(claims["sid"])
        accounts, account_ids = claims["acc"], None
        if isinstance(accounts, list):
            found = [_object_id(a) for a in accounts]
            account_ids = tuple(i for i in found if i is not None)
            if len(account_ids) != len(found):
                user_id = None
        elif accounts != ALL_ACCOUNTS:
            user_id = None
        if user_id is None or login_id is None:
            raise UnauthenticatedError("Invalid download link.")
        return BackupClaims(user_id, login_id, account_ids)
