"""Alerts for their recipient: the viewer's alerts (newest first), the unread count,
marking read, and the viewer's alert settings (with the watch they keep on accounts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.core.clock import utcnow
from app.core.errors import NotFoundError, ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain.alerts import ALERT_KINDS, DEFAULT_PLAN_SHARE, check_kind, check_plan_share
from app.domain.money import parse_amount, parse_signed
from app.persistence.documents.alerts import AlertRecord, AlertSettingsDocument, ThresholdRecord
from app.persistence.keyset import Page, PageRequest
from app.persistence.mongo import Database
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.alerts import MAX_MARKED, AlertRepository
from app.persistence.transactions import transactional
from app.persistence.unit_of_work import UnitOfWork
from app.services.alerts.detection import ChangeWatcher
from app.services.alerts.events import EventHub
from app.services.alerts.preferences import refresh_watches
from app.services.alerts.sink import AlertSink


@dataclass(frozen=True)
class ThresholdChange:
    """A user's thresholds on one account, as decimal strings (None: off)."""

    account_id: ObjectId
    balance_below: str | None = None
    transaction_above: str | None = None


@dataclass(frozen=True)
class UpdateAlertSettings:
    """What to change (None: leave as it is). `thresholds` replaces those of the accounts
    it names and leaves the others."""

    enabled_kinds: Sequence[str] | None = None
    plan_share: int | None = None
    thresholds: Sequence[ThresholdChange] | None = None


def default_settings(user_id: ObjectId) -> AlertSettingsDocument:
    return AlertSettingsDocument(
        user_id=user_id, plan_share=DEFAULT_PLAN_SHARE, updated_at=utcnow()
    )


class AlertService:
    """Owns the event hub: the ledger's changes (through the unit of work), imports,
    the scheduler and webhooks publish to it; its sinks are the alerts' own, then others
    added with `hub.add`."""

    def __init__(self, db: Database, uow: UnitOfWork) -> None:
        self.db = db
        self.hub = EventHub()
        self.hub.add(AlertSink())
        uow.observe(ChangeWatcher(self.hub))
        self.alerts = AlertRepository()
        self.accounts = AccountRepository()

    # --- the viewer's alerts ---------------------------------------------------------------

    async def page(
        self, viewer: Viewer, unread_only: bool, request: PageRequest, size: int
    ) -> Page[AlertRecord]:
        return await self.alerts.page(viewer.user_id, unread_only, request, size)

    async def unread_count(self, viewer: Viewer) -> int:
        return await self.alerts.unread_count(viewer.user_id)

    async def get(self, viewer: Viewer, alert_id: ObjectId) -> AlertRecord | None:
        found = await self.alerts.by_ids(viewer.user_id, [alert_id])
        return found[0] if found else None

    async def mark_read(self, viewer: Viewer, ids: Sequence[ObjectId] | None) -> list[AlertRecord]:
        """Mark the viewer's alerts `ids` read (all their unread ones when None); the named
        alerts as they are now. Another user's alert is NOT_FOUND, like one that does not
        exist; one already read stays as it was."""
        at = utcnow()
        if ids is None:
            await self.alerts.mark_read(viewer.user_id, None, at)
            return []
        unique = list(dict.fromkeys(ids))
        if len(unique) > MAX_MARKED:
            raise ValidationError(f"At most {MAX_MARKED} alerts at once.", field=["ids"])
        found = {a.id for a in await self.alerts.by_ids(viewer.user_id, unique)}
        for index, alert_id in enumerate(ids):
            if alert_id not in found:
                raise NotFoundError("No such alert.", field=["ids", str(index)])
        await self.alerts.mark_read(viewer.user_id, unique, at)
        by_id = {a.id: a for a in await self.alerts.by_ids(viewer.user_id, unique)}
        return [by_id[i] for i in unique]

    # --- settings --------------------------------------------------------------------------

    async def settings(self, viewer: Viewer) -> AlertSettingsDocument:
        found = await self.alerts.settings_of([viewer.user_id])
        return found.get(viewer.user_id) or default_settings(viewer.user_id)

    @transactional
    async def update_settings(
        self, viewer: Viewer, command: UpdateAlertSettings
    ) -> AlertSettingsDocument:
        async with self.db.transaction() as tx:
            repository = AlertRepository(tx.session)
            accounts = AccountRepository(tx.session)
            stored = (await repository.settings_of([viewer.user_id])).get(viewer.user_id)
            settings = stored or default_settings(viewer.user_id)
            if command.enabled_kinds is not None:
                enabled = {
                    check_kind(kind, ["enabledKinds", str(i)])
                    for i, kind in enumerate(command.enabled_kinds)
                }
                settings.kinds_off = [k.value for k in ALERT_KINDS if k not in enabled]
            if command.plan_share is not None:
                settings.plan_share = check_plan_share(command.plan_share, ["planShare"])
            mine = await accounts.visible_to(viewer.user_id)
            if command.thresholds is not None:
                currencies = {a.id: a.currency for a in mine}
                changed: dict[ObjectId, ThresholdRecord] = {}
                for index, change in enumerate(command.thresholds):
                    field = ["thresholds", str(index)]
                    currency = currencies.get(change.account_id)
                    if currency is None:
                        raise NotFoundError("No such account.", field=[*field, "accountId"])
                    if change.account_id in changed:
                        raise ValidationError("Each account once.", field=[*field, "accountId"])
                    changed[change.account_id] = _threshold(change, currency, field)
                kept = [t for t in settings.thresholds if t.account_id not in changed]
                settings.thresholds = [
                    *kept,
                    *(t for t in changed.values() if t.balance_below is not None
                      or t.transaction_above is not None),
                ]  # fmt: skip
            settings.updated_at = utcnow()
            await repository.save_settings(settings)
            await refresh_watches(repository, [a.id for a in mine])
            await tx.commit()
        return settings


def _threshold(change: ThresholdChange, currency: str, field: list[str]) -> ThresholdRecord:
    below = above = None
    if change.balance_below is not None:
        below = parse_signed(change.balance_below, currency, [*field, "balanceBelow"])
    if change.transaction_above is not None:
        above = parse_amount(change.transaction_above, currency, [*field, "transactionAbove"])
    return ThresholdRecord(
        account_id=change.account_id, balance_below=below, transaction_above=above
    )
