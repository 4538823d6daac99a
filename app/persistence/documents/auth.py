"""Stored documents of identity: users, their logins and refresh tokens, and the counters of
failed sign-ins and of requests (rate limits)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from beanie import Document
from pydantic import BaseModel, ConfigDict, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.persistence.documents.base import Stored, StoredId


class UserDocument(Stored, Document):
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


class UserProfile(BaseModel):
    """How a user appears to the members of their accounts: a projection of `UserDocument`."""

    model_config = ConfigDict(populate_by_name=True)

    id: StoredId = Field(alias="_id")
    email: str
    display_name: str
    avatar_color: str

    PROJECTION: ClassVar[dict[str, int]] = {"email": 1, "display_name": 1, "avatar_color": 1}


class LoginDocument(Stored, Document):
    """One signed-in device or browser: the family of refresh tokens issued to it.

    Revoking the login revokes every refresh token in its family and every access token
    that names it (`sid`), because both are checked against this document.
    """

    user_id: StoredId
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


class RefreshTokenDocument(Stored, Document):
    """A refresh token, stored only as its SHA-256. `rotated_at` is set once it was used."""

    token_hash: str
    login_id: StoredId
    user_id: StoredId
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


class LoginFailureDocument(Stored, Document):
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
    `RequestCounters` with an update pipeline; declared here for its TTL index."""

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
