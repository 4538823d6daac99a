"""The services of one running app, built once in the lifespan and shared by all requests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from app.core.settings import Settings
from app.persistence.ledger_repository import LedgerRepository
from app.persistence.mongo import Database
from app.persistence.month_totals import MonthTotals
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
    month_totals: MonthTotals
    background: set[asyncio.Task[Any]] = field(default_factory=set)

    @classmethod
    def build(cls, settings: Settings, db: Database) -> Services:
        repo = LedgerRepository()
        month_totals = MonthTotals(db)
        unit = LedgerUnit(db, repo, month_totals)
        return cls(
            settings=settings,
            db=db,
            auth=AuthService(db, settings),
            accounts=AccountService(unit, repo),
            envelopes=EnvelopeService(unit, repo),
            movements=MovementService(unit, repo),
            history=HistoryService(repo, month_totals),
            members=MemberService(unit, repo),
            payment_sources=PaymentSourceService(unit, repo),
            month_totals=month_totals,
        )

    def start_background_work(self) -> None:
        """Start-up chores that must not delay readiness: fill in the per-month figures of
        accounts written before they existed (their totals read the entries until then)."""
        task = asyncio.create_task(self.month_totals.backfill(), name="month-totals-backfill")
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def stop_background_work(self) -> None:
        for task in list(self.background):
            task.cancel()
        await asyncio.gather(*self.background, return_exceptions=True)
