"""Account events: what happened to an account that someone may want to hear about, and the
hub that hands them to the sinks (alerts, webhooks) inside the transaction of the change
that caused them.

The contract shared by alerts, webhooks and live:

- `AccountEvent` is one event of one account; `data` is JSON-able (money as
  `{"amount": "12.50", "currency": "EUR"}` via `money`, ids as strings).
- An `EventSink` is called with the change's session, INSIDE its transaction: what it writes
  commits or aborts with the change, so no event is lost or doubled. A sink must not fail
  on an event it does not care about, and should do no database round trip for events it
  ignores (a commit publishes only what some member or webhook wants, see `detection`).
- Events come from: every ledger change (`detection.ChangeWatcher`, a commit observer of the
  unit of work), the import runner when a job ends, the scheduler when a posting fails,
  and webhooks when one is disabled. Sinks are registered on the hub in
  `app.services.container` (alerts' own sink first, then webhooks').
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from app.core.ids import ObjectId
from app.domain.alerts import EventKind
from app.domain.money import format_amount
from app.persistence.transactions import Session

__all__ = ["AccountEvent", "EventHub", "EventKind", "EventSink", "money"]


@dataclass(frozen=True)
class AccountEvent:
    """One event of one account. `subject` names what it is about within the account (an
    envelope, an entry, an import job, a schedule's occurrence…); with the kind and the
    account it makes the event's `key`, unique per event: an event published twice (a
    resumed job) makes no second alert."""

    account_id: ObjectId
    kind: EventKind
    data: dict[str, Any]
    entry_ids: tuple[ObjectId, ...]
    at: datetime
    subject: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.account_id}:{self.subject}"


def money(amount: int, currency: str) -> dict[str, str]:
    """Money in an event's data."""
    return {"amount": format_amount(amount, currency), "currency": currency}


class EventSink(Protocol):
    async def publish(self, session: Session, events: Sequence[AccountEvent]) -> None:
        """Write what the events mean to this sink, in `session`'s transaction."""
        ...


@dataclass
class EventHub:
    """Hands events to every sink, in the order they were added."""

    sinks: list[EventSink] = field(default_factory=list)

    def add(self, sink: EventSink) -> None:
        self.sinks.append(sink)

    async def publish(self, session: Session, events: Sequence[AccountEvent]) -> None:
        if not events:
            return
        for sink in self.sinks:
            await sink.publish(session, events)
