"""The budget view answers from one point in time, even when the account it was handed was
read before a change."""

from __future__ import annotations

from datetime import UTC, datetime

from app.core.viewer import Viewer
from app.domain.entries import EntryDetails
from app.persistence.repositories.accounts import AccountRepository
from app.services.container import Services
from app.services.ledger.commands import Move
from tests.services.test_movements import envelope_id, open_account


async def test_a_stale_account_is_read_again_in_the_snapshot(
    services: Services, ana: Viewer
) -> None:
    opened = await open_account(services, ana, "EUR", "100.00", "Food")
    account = opened.accounts[0]
    stale = await AccountRepository().for_member(account.id, ana.user_id)
    assert stale is not None
    food, available = envelope_id(opened, "Food"), envelope_id(opened, "Available")
    today = datetime.now(UTC).date()
    details = EntryDetails(booking_date=today)
    await services.movements.move(ana, Move(account.id, available, food, "30.00", details))

    budget = await services.budgets.budget(ana, stale, None)
    [row] = budget.envelopes
    assert (row.figures.funded, row.figures.end) == (3000, 3000)
    assert row.figures.start == 0
    assert budget.available.end == 7000
