"""The services of one running app, built once in the lifespan and shared by all requests."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.settings import Settings
from app.persistence.mongo import Database
from app.services.auth import AuthService


@dataclass
class Services:
    settings: Settings
    db: Database
    auth: AuthService

    @classmethod
    def build(cls, settings: Settings, db: Database) -> Services:
        return cls(settings=settings, db=db, auth=AuthService(db, settings))
