"""The services of one running app, built once in the lifespan and shared by all requests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from app.core.settings import Settings
from app.persistence.mongo import Database
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.entries import EntryRepository
from app.persistence.repositories.month_totals import MonthTotals, MonthTotalsBackfill
from app.persistence.repositories.payment_sources import PaymentSourceRepository
from app.persistence.repositories.profiles import ProfileRepository
from app.persistence.repositories.reconciliations import ReconciliationRepository
from app.persistence.unit_of_work import UnitOfWork
from app.services.auth import AuthService
from app.services.ledger.accounts import AccountService
from app.services.ledger.budgets import BudgetService
from app.services.ledger.envelopes import EnvelopeService
from app.services.ledger.history import HistoryService
from app.services.ledger.members import MemberService
from app.services.ledger.movements import MovementService
from app.services.ledger.payment_sources import PaymentSourceService
from app.services.ledger.reconciliation import ReconciliationService
from app.services.ledger.sweeps import Sweeps


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
    budgets: BudgetService
    sweeps: Sweeps
    reconciliation: ReconciliationService
    background: set[asyncio.Task[Any]] = field(default_factory=set)

    @classmethod
    def build(cls, settings: Settings, db: Database) -> Services:
        """Every service over `db`, which is connected (its document models bound)."""
        uow = UnitOfWork(db)
        accounts = AccountRepository()
        return cls(
            settings=settings,
            db=db,
            auth=AuthService(db, settings),
            accounts=AccountService(uow, accounts),
            envelopes=EnvelopeService(uow),
            movements=MovementService(uow),
            history=HistoryService(
                db, accounts, EntryRepository(), MonthTotals(), ProfileRepository()
            ),
            members=MemberService(uow),
            payment_sources=PaymentSourceService(uow, accounts, PaymentSourceRepository()),
            budgets=BudgetService(db, uow),
            sweeps=Sweeps(uow, accounts),
            reconciliation=ReconciliationService(uow, ReconciliationRepository()),
        )

    def start_background_work(self) -> None:
        """Start-up chores that must not delay readiness: fill in the per-month figures of
        accounts written before they existed (their totals read the entries until then)."""
        backfill = MonthTotalsBackfill(self.db)
        task = asyncio.create_task(backfill.run(), name="month-totals-backfill")
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def stop_background_work(self) -> None:
        for task in list(self.background):
            task.cancel()
        await asyncio.gather(*self.background, return_exceptions=True)
