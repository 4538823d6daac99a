"""Who is asking: small values every layer passes along (GraphQL builds them, services and
persistence scope their work by them)."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.ids import ObjectId


@dataclass(frozen=True)
class Viewer:
    """The authenticated caller of a request."""

    user_id: ObjectId
    login_id: ObjectId


@dataclass(frozen=True)
class ClientInfo:
    """Where a request came from, as far as the API can tell."""

    ip: str | None = None
    user_agent: str | None = None
