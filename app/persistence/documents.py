"""Stored documents: written for storage, converted to API types in the GraphQL layer."""

from __future__ import annotations

from datetime import datetime

from beanie import Document, PydanticObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel


class UserDocument(Document):
    """A login identity. `email_key` (the address lower-cased) is unique."""

    email: str
    email_key: str
    display_name: str
    avatar_color: str
    password_hash: str
    created_at: datetime
    password_changed_at: datetime

    class Settings:
        name = "users"
        indexes = [IndexModel([("email_key", ASCENDING)], unique=True, name="email_key_unique")]


class LoginDocument(Document):
    """One signed-in device or browser: the family of refresh tokens issued to it.

    Revoking the login revokes every refresh token in its family and every access token
    that names it (`sid`), because both are checked against this document.
    """

    user_id: PydanticObjectId
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    revoked_reason: str | None = None
    user_agent: str | None = None
    ip: str | None = None

    class Settings:
        name = "logins"
        indexes = [
            IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)]),
            IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl"),
        ]


class RefreshTokenDocument(Document):
    """A refresh token, stored only as its SHA-256. `rotated_at` is set once it was used."""

    token_hash: str
    login_id: PydanticObjectId
    user_id: PydanticObjectId
    issued_at: datetime
    expires_at: datetime
    rotated_at: datetime | None = None

    class Settings:
        name = "refresh_tokens"
        indexes = [
            IndexModel([("token_hash", ASCENDING)], unique=True, name="token_hash_unique"),
            IndexModel([("login_id", ASCENDING)]),
            IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl"),
        ]


class LoginFailureDocument(Document):
    """One failed sign-in, counted per email and per client IP over a sliding window."""

    key: str
    at: datetime
    expires_at: datetime

    class Settings:
        name = "login_failures"
        indexes = [
            IndexModel([("key", ASCENDING), ("at", ASCENDING)]),
            IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl"),
        ]


class RequestCounterDocument(Document):
    """Requests of one rate-limit key (`_id`, e.g. "ip:198.51.100.7" or "user:<id>") in
    the current minute `w` (`n`) and the one before it (`p`). Written only by
    `RequestCounters` with raw queries; declared here for its TTL index."""

    id: str  # type: ignore[assignment]
    w: int
    n: int
    p: int
    expires_at: datetime

    class Settings:
        name = "request_counters"
        indexes = [
            IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl"),
        ]


DOCUMENT_MODELS: list[type[Document]] = [
    UserDocument,
    LoginDocument,
    RefreshTokenDocument,
    LoginFailureDocument,
    RequestCounterDocument,
]
