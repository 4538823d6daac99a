"""The services of one running app, built once in the lifespan and shared by all requests."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.settings import Settings
from app.persistence.ledger_repository import LedgerRepository
from app.persistence.mongo import Database
from app.services.auth import AuthService
from app.services.ledger.accounts import AccountService
from app.services.ledger.envelopes import EnvelopeService
from app.services.ledger.history import HistoryService
from app.services.ledger.members import MemberService
from app.services.ledger.movements import MovementService
from app.services.ledger.payment_sources import PaymentSourceService
from app.services.ledger.unit import LedgerUnit


@dataclass
class Services:
    settings: Settings
    db: Database
    auth: AuthService
    accounts: AccountService
    envelopes: EnvelopeService
    movements: MovementService
    history: HistoryService
    members: MemberService
    payment_sources: PaymentSourceService

    @classmethod
    def build(cls, settings: Settings, db: Database) -> Services:
        repo = LedgerRepository()
        unit = LedgerUnit(db, repo)
        return cls(
            settings=settings,
            db=db,
            auth=AuthService(db, settings),
            accounts=AccountService(unit, repo),
            envelopes=EnvelopeService(unit, repo),
            movements=MovementService(unit, repo),
            history=HistoryService(repo),
            members=MemberService(unit, repo),
            payment_sources=PaymentSourceService(unit, repo),
        )
