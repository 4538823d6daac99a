"""The alerts' own sink: one alert per member of the event's account who wants it.

A member wants an event when their settings have its kind on and, for the kinds with a
threshold or a share, when the event crosses *their* threshold or share (the change raised
it because it crossed the strictest one, kept on the account)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from app.core.ids import ObjectId
from app.domain.alerts import (
    ALERT_KINDS,
    EventKind,
    Preferences,
    exceeded_share,
    went_below,
)
from app.domain.money import format_amount, parse_signed
from app.persistence.documents.alerts import AlertRecord
from app.persistence.repositories.alerts import AlertRepository
from app.persistence.transactions import Session
from app.services.alerts.events import AccountEvent
from app.services.alerts.preferences import preferences_of

_RAISED = frozenset(ALERT_KINDS)


class AlertSink:
    async def publish(self, session: Session, events: Sequence[AccountEvent]) -> None:
        raised = [e for e in events if e.kind in _RAISED]
        if not raised:
            return
        repository = AlertRepository(session)
        accounts = await repository.members(list({e.account_id for e in raised}))
        users = list({user for found in accounts.values() for user in found.member_ids})
        settings = await repository.settings_of(users)
        alerts: list[AlertRecord] = []
        for event in raised:
            found = accounts.get(event.account_id)
            if found is None:
                continue
            if "accountName" not in event.data:
                event = replace(event, data={**event.data, "accountName": found.name})
            for user in found.member_ids:
                preferences = preferences_of(settings.get(user), event.account_id)
                if receives(preferences, event, found.currency):
                    alerts.append(alert_for(user, event, preferences, found.currency))
        await repository.add(alerts)


def receives(preferences: Preferences, event: AccountEvent, currency: str) -> bool:
    """Whether a member with these settings gets an alert of the event."""
    if not preferences.wants(event.kind):
        return False
    data = event.data
    if event.kind is EventKind.BALANCE_LOW and preferences.balance_below is not None:
        before, after = _minor(data["previousBalance"], currency), _minor(data["balance"], currency)
        return went_below(before, after, preferences.balance_below)
    if event.kind is EventKind.TRANSACTION_LARGE and preferences.transaction_above is not None:
        return _minor(data["amount"], currency) > preferences.transaction_above
    if event.kind is EventKind.PLAN_EXCEEDED:
        before, after = _minor(data["previousSpent"], currency), _minor(data["spent"], currency)
        planned = _minor(data["planned"], currency)
        return exceeded_share(before, after, planned, preferences.plan_share)
    return True


def alert_for(
    user: ObjectId, event: AccountEvent, preferences: Preferences, currency: str
) -> AlertRecord:
    return AlertRecord(
        user_id=user,
        account_id=event.account_id,
        kind=event.kind.value,
        key=event.key,
        message=message(event, preferences, currency),
        data=event.data,
        entry_ids=list(event.entry_ids),
        created_at=event.at,
    )


def _minor(money: dict[str, str], currency: str) -> int:
    return parse_signed(money["amount"], currency)


def _text(money: dict[str, str]) -> str:
    return f"{money['amount']} {money['currency']}"


def message(event: AccountEvent, preferences: Preferences, currency: str) -> str:
    """The alert's sentence for one recipient (their threshold, their share)."""
    d: dict[str, Any] = event.data
    account = d.get("accountName", "the account")
    envelope = d.get("envelopeName", "An envelope")
    match event.kind:
        case EventKind.ENVELOPE_OVERSPENT:
            return f"{envelope} in {account} is overspent: {_text(d['balance'])}."
        case EventKind.PLAN_EXCEEDED:
            return (
                f"{envelope} in {account} has spent {_text(d['spent'])} of its "
                f"{_text(d['planned'])} plan this period, past your {preferences.plan_share} %."
            )
        case EventKind.GOAL_BEHIND:
            return (
                f"The goal of {envelope} in {account} has fallen behind: "
                f"{_text(d['stillNeeded'])} still needed this period."
            )
        case EventKind.BALANCE_LOW:
            below = format_amount(preferences.balance_below or 0, currency)
            return f"{account}'s balance is {_text(d['balance'])}, below {below} {currency}."
        case EventKind.TRANSACTION_LARGE:
            payee = f" ({d['payee']})" if d.get("payee") else ""
            kind = d.get("entryKind", "transaction")
            return f"A large {kind} of {_text(d['amount'])}{payee} in {account}."
        case EventKind.SCHEDULE_FAILED:
            return f"A scheduled posting in {account} failed: {d.get('reason', 'unknown reason')}"
        case EventKind.IMPORT_FINISHED:
            return (
                f"The import of {d.get('fileName', 'a file')} into {account} finished: "
                f"{d.get('new', 0)} new, {d.get('duplicates', 0)} duplicates."
            )
        case EventKind.IMPORT_FAILED:
            return (
                f"The import of {d.get('fileName', 'a file')} into {account} failed: "
                f"{d.get('reason', 'unknown reason')}"
            )
        case EventKind.WEBHOOK_DISABLED:
            return f"A webhook of {account} was disabled: {d.get('reason', 'it kept failing')}"
        case _:
            return f"{event.kind.value} in {account}."
