"""The services of one running app, built once in the lifespan and shared by all requests."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from app.core.settings import Settings
from app.persistence.change_feed import ChangeFeed
from app.persistence.documents.accounts import AccountDocument, AccountRecord
from app.persistence.documents.alerts import AlertDocument, AlertRecord
from app.persistence.documents.imports import ImportJobDocument
from app.persistence.mongo import Database
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.cash_flow import CashFlowSums
from app.persistence.repositories.dashboard_figures import DashboardFigures
from app.persistence.repositories.entries import EntryRepository
from app.persistence.repositories.exchange_rates import ExchangeRateRepository
from app.persistence.repositories.forecast_figures import ForecastFigures
from app.persistence.repositories.households import HouseholdStore
from app.persistence.repositories.learning import LearningRepository
from app.persistence.repositories.month_totals import MonthTotals, MonthTotalsBackfill
from app.persistence.repositories.payment_sources import PaymentSourceRepository
from app.persistence.repositories.profiles import ProfileRepository
from app.persistence.repositories.reconciliations import ReconciliationRepository
from app.persistence.repositories.restore_jobs import RestoreJobRepository
from app.persistence.repositories.schedules import LeaseRepository, ScheduleRepository
from app.persistence.repositories.uploads import UploadRepository
from app.persistence.repositories.webhooks import DeliveryRepository, WebhookRepository
from app.persistence.unit_of_work import UnitOfWork
from app.services.alerts.service import AlertService
from app.services.auth import AuthService
from app.services.backups.backups import LINK_SECONDS as BACKUP_LINK_SECONDS
from app.services.backups.backups import HouseholdBackups
from app.services.backups.jobs import HouseholdRestores
from app.services.cash_flow.pictures import CashFlowPictures
from app.services.cash_flow.planning import PlanningService
from app.services.cash_flow.seeding import PlanningSeeds
from app.services.categorisation.learned import LearnedCategories, WithoutRetraining
from app.services.categorisation.rule_book import categoriser
from app.services.categorisation.rules import RuleService
from app.services.categorisation.settings import CategorisationSettingsService
from app.services.imports.jobs import ImportService
from app.services.imports.runner import ImportRunner, ImportSettings, OrphanedImports
from app.services.insights.dashboard import DashboardService
from app.services.insights.exchange_rates import ExchangeRateService
from app.services.insights.opportunities import SavingsOpportunities
from app.services.ledger.accounts import AccountService
from app.services.ledger.budgets import BudgetService
from app.services.ledger.corrections import CorrectionService
from app.services.ledger.envelopes import EnvelopeService
from app.services.ledger.exports import LINK_SECONDS, HistoryExports
from app.services.ledger.forecasts import ForecastService
from app.services.ledger.history import HistoryService
from app.services.ledger.members import MemberService
from app.services.ledger.movements import MovementService
from app.services.ledger.payment_sources import PaymentSourceService
from app.services.ledger.reconciliation import ReconciliationService
from app.services.ledger.rule_runs import RuleRuns
from app.services.ledger.sweeps import Sweeps
from app.services.live.hub import LiveHub
from app.services.scheduling.schedules import ScheduleService
from app.services.scheduling.worker import (
    DueWork,
    ScheduledPostings,
    Scheduler,
    SchedulerSettings,
)
from app.services.sync.changes import SyncService
from app.services.tokens import BackupTokens, ExportTokens
from app.services.uploads import UploadKind, Uploads
from app.services.webhooks.addresses import Addresses
from app.services.webhooks.delivery import WebhookDeliveries
from app.services.webhooks.outbox import WebhookOutbox
from app.services.webhooks.registry import WebhookService


@dataclass
class Services:
    settings: Settings
    db: Database
    auth: AuthService
    accounts: AccountService
    envelopes: EnvelopeService
    movements: MovementService
    history: HistoryService
    exports: HistoryExports
    members: MemberService
    payment_sources: PaymentSourceService
    budgets: BudgetService
    sweeps: Sweeps
    reconciliation: ReconciliationService
    schedules: ScheduleService
    scheduler: Scheduler
    sync: SyncService
    uploads: Uploads
    rules: RuleService
    corrections: CorrectionService
    rule_runs: RuleRuns
    learned: LearnedCategories
    categorisation: CategorisationSettingsService
    backups: HouseholdBackups
    restores: HouseholdRestores
    imports: ImportService
    import_runner: ImportRunner
    exchange_rates: ExchangeRateService
    dashboard: DashboardService
    forecasts: ForecastService
    cash_flow: CashFlowPictures
    planning: PlanningService
    planning_seeds: PlanningSeeds
    opportunities: SavingsOpportunities
    alerts: AlertService
    webhooks: WebhookService
    webhook_deliveries: WebhookDeliveries
    live: LiveHub
    background: set[asyncio.Task[Any]] = field(default_factory=set)

    @classmethod
    def build(cls, settings: Settings, db: Database) -> Services:
        """Every service over `db`, which is connected (its document models bound)."""
        uow = UnitOfWork(db)
        # Alerts observe every change of the ledger; the hub's sinks: alerts', then others'.
        alerts = AlertService(db, uow)
        alerts.hub.add(WebhookOutbox())
        addresses = Addresses(allow_loopback=settings.webhooks_allow_loopback)
        webhook_deliveries = WebhookDeliveries(
            db, alerts.hub, addresses, timeout=settings.webhooks_timeout_seconds
        )
        accounts = AccountRepository()
        learning = LearningRepository()
        learned = LearnedCategories(learning)
        suggester = learned  # the household's model, after the rules (see proposals.py)
        movements = MovementService(uow, suggester)
        schedule_rows = ScheduleRepository()
        schedules = ScheduleService(uow, accounts, schedule_rows, movements, hub=alerts.hub)
        sweeps = Sweeps(uow, accounts)
        background: set[asyncio.Task[Any]] = set()
        uploads = Uploads(
            UploadRepository(db.db),
            {
                UploadKind.IMPORT: settings.upload_max_bytes,
                UploadKind.BACKUP: settings.backup_max_bytes,
            },
        )
        import_runner = ImportRunner(
            uow,
            uploads,
            # The dry run (no session) may start a training of the learned model; the
            # commit's batches (in their transaction's session) use the model at hand.
            lambda session: categoriser(
                suggester if session is None else WithoutRetraining(learned), session
            ),
            ImportSettings(settings.import_batch_size, settings.import_lease_seconds),
            lambda work, name: _start(background, work, name),
            hub=alerts.hub,
        )
        # The kinds of work the scheduler does when they fall due; add more here.
        due_work: list[DueWork] = [
            ScheduledPostings(schedules, schedule_rows),
            sweeps,
            OrphanedImports(import_runner),
            webhook_deliveries,
        ]
        scheduler = Scheduler(
            due_work,
            LeaseRepository(),
            SchedulerSettings(
                interval_seconds=settings.scheduler_interval_seconds,
                lease_seconds=settings.scheduler_lease_seconds,
                batch_size=settings.scheduler_batch_size,
            ),
        )
        auth = AuthService(db, settings)
        account_service = AccountService(uow, accounts)
        history = HistoryService(
            db, accounts, EntryRepository(), MonthTotals(), ProfileRepository()
        )
        household = HouseholdStore(db)
        exchange_rates = ExchangeRateService(ExchangeRateRepository(), accounts)
        cash_flow = CashFlowPictures(accounts, CashFlowSums())
        planning = PlanningService(db, accounts)
        return cls(
            settings=settings,
            db=db,
            auth=auth,
            accounts=account_service,
            envelopes=EnvelopeService(uow),
            movements=movements,
            history=history,
            exports=HistoryExports(
                auth, account_service, history, ExportTokens(settings.secret, LINK_SECONDS)
            ),
            members=MemberService(uow),
            payment_sources=PaymentSourceService(uow, accounts, PaymentSourceRepository()),
            budgets=BudgetService(db, uow),
            sweeps=sweeps,
            reconciliation=ReconciliationService(uow, ReconciliationRepository()),
            schedules=schedules,
            scheduler=scheduler,
            sync=SyncService(db),
            rules=RuleService(db, accounts),
            corrections=CorrectionService(uow, EntryRepository()),
            rule_runs=RuleRuns(uow, accounts, suggester),
            learned=learned,
            categorisation=CategorisationSettingsService(learning, learned),
            uploads=uploads,
            backups=HouseholdBackups(
                db, auth, household, BackupTokens(settings.secret, BACKUP_LINK_SECONDS)
            ),
            restores=HouseholdRestores(
                household,
                RestoreJobRepository(),
                uploads,
                lambda work, name: _start(background, work, name),
            ),
            imports=ImportService(uploads, import_runner),
            import_runner=import_runner,
            exchange_rates=exchange_rates,
            dashboard=DashboardService(accounts, exchange_rates, DashboardFigures()),
            forecasts=ForecastService(schedules, ForecastFigures(), PaymentSourceRepository()),
            cash_flow=cash_flow,
            planning=planning,
            planning_seeds=PlanningSeeds(db, planning, cash_flow),
            opportunities=SavingsOpportunities(db, account_service),
            alerts=alerts,
            webhooks=WebhookService(
                uow, accounts, WebhookRepository(), DeliveryRepository(), addresses
            ),
            webhook_deliveries=webhook_deliveries,
            live=LiveHub(
                ChangeFeed(
                    db,
                    {
                        AccountDocument.Settings.name: AccountRecord,
                        ImportJobDocument.Settings.name: ImportJobDocument,
                        AlertDocument.Settings.name: AlertRecord,
                    },
                ),
                lambda work, name: _start(background, work, name),
            ),
            background=background,
        )

    def start_background_work(self) -> None:
        """Start-up chores that must not delay readiness: fill in the per-month figures of
        accounts written before they existed (their totals read the entries until then);
        the scheduler's loop (when enabled); and the retraining of the learned categorisation
        models this process holds. (The change stream of live subscriptions starts with the
        first subscription.)"""
        backfill = MonthTotalsBackfill(self.db)
        self._start(backfill.run(), "month-totals-backfill")
        if self.settings.scheduler_enabled:
            self._start(self.scheduler.run(), "scheduler")
        self._start(self.learned.run(), "learned-categories")

    def _start(self, work: Coroutine[Any, Any, Any], name: str) -> None:
        _start(self.background, work, name)

    async def stop_background_work(self) -> None:
        for task in list(self.background):
            task.cancel()
        await asyncio.gather(*self.background, return_exceptions=True)
        await self.learned.stop()
        if self.settings.scheduler_enabled:
            with contextlib.suppress(Exception):  # best effort: the lease expires anyway
                await self.scheduler.release()


def _start(tasks: set[asyncio.Task[Any]], work: Coroutine[Any, Any, Any], name: str) -> None:
    """Run `work` in the background of this process, kept in `tasks` until it ends (and
    cancelled with them when the app stops). In a fresh context: work started by a request
    (a restore job) must not inherit the request's database deadline (`time_budget`)."""
    task = asyncio.create_task(work, name=name, context=contextvars.Context())
    tasks.add(task)
    task.add_done_callback(tasks.discard)
