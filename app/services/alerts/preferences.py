"""A user's stored alert settings as the rules see them, and the watch an account keeps of
its members' settings (`AccountRecord.alert_watch`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.core.ids import ObjectId
from app.domain.alerts import DEFAULT_WATCH, Preferences, Watch, watch_of
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.alerts import AlertSettingsDocument, AlertWatchRecord
from app.persistence.repositories.alerts import AlertRepository


def preferences_of(settings: AlertSettingsDocument | None, account_id: ObjectId) -> Preferences:
    """A user's settings on one account (the defaults when they have none)."""
    if settings is None:
        return Preferences()
    threshold = next((t for t in settings.thresholds if t.account_id == account_id), None)
    return Preferences(
        kinds_off=frozenset(settings.kinds_off),
        plan_share=settings.plan_share,
        balance_below=None if threshold is None else threshold.balance_below,
        transaction_above=None if threshold is None else threshold.transaction_above,
    )


def watch_on(account: AccountRecord) -> Watch:
    """What the members of `account` want of its changes, as kept on it."""
    kept = account.alert_watch
    if kept is None:
        return DEFAULT_WATCH
    return Watch(frozenset(kept.kinds), kept.balance_below, kept.transaction_above, kept.plan_share)


def watch_record(
    account_id: ObjectId,
    members: Sequence[ObjectId],
    settings: Mapping[ObjectId, AlertSettingsDocument],
) -> AlertWatchRecord | None:
    """The watch to keep on an account (None: the defaults')."""
    watch = watch_of(preferences_of(settings.get(m), account_id) for m in members)
    if watch == DEFAULT_WATCH:
        return None
    return AlertWatchRecord(
        kinds=sorted(watch.kinds),
        balance_below=watch.balance_below,
        transaction_above=watch.transaction_above,
        plan_share=watch.plan_share,
    )


async def refresh_watches(repository: AlertRepository, account_ids: Sequence[ObjectId]) -> None:
    """Keep on each account what its members' settings now ask (in the repository's
    session: call it in the transaction that changed the settings or the members)."""
    accounts = await repository.members(account_ids)
    users = list({user for found in accounts.values() for user in found.member_ids})
    settings = await repository.settings_of(users)
    for account_id, found in accounts.items():
        watch = watch_record(account_id, found.member_ids, settings)
        await repository.set_watch(account_id, watch)
