"""The unit of work's own promises: nothing is written without `commit`, and a change that
conflicts with a concurrent one runs again on fresh data."""

from __future__ import annotations

import asyncio
from typing import Any

from app.core.viewer import Viewer
from app.domain.entries import EntryKind
from app.domain.envelopes import Allocation
from app.domain.members import Permission
from app.persistence.transactions import transactional
from app.services.container import Services
from app.services.ledger.commands import OpenAccount
from tests.services.conftest import balances


async def test_leaving_the_block_without_commit_writes_nothing(
    services: Services, ana: Viewer, mongo: Any
) -> None:
    opened = await services.accounts.open(
        ana, OpenAccount(name="Joint", type="checking", currency="EUR", opening_balance="10.00")
    )
    account_id = opened.accounts[0].id
    stored_before = mongo.accounts.find_one({"_id": account_id})

    @transactional
    async def forgets_to_commit() -> None:
        async with services.accounts.uow.begin(ana) as tx:
            account = await tx.lock(account_id, Permission.RECORD)
            spend = [Allocation(account.ledger.available.id, 500)]
            account.record(EntryKind.EXPENSE, account.ledger.expense(500, spend), size=500)
            account.document.name = "Renamed"
            # ...and the block ends here, without tx.commit()

    await forgets_to_commit()

    assert mongo.accounts.find_one({"_id": account_id}) == stored_before
    assert mongo.transactions.count_documents({"account_id": account_id}) == 1


async def test_concurrent_changes_of_one_account_all_land_on_fresh_data(
    services: Services, ana: Viewer, mongo: Any
) -> None:
    opened = await services.accounts.open(
        ana, OpenAccount(name="Joint", type="checking", currency="EUR", opening_balance="10.00")
    )
    account_id = opened.accounts[0].id
    attempts = 0

    @transactional
    async def rename(name: str) -> None:
        nonlocal attempts
        attempts += 1
        async with services.accounts.uow.begin(ana) as tx:
            account = await tx.lock(account_id, Permission.MANAGE)
            await asyncio.sleep(0.01)  # hold the lock while the others try
            account.document.name = f"{account.document.name}+{name}"
            await tx.commit()

    await asyncio.gather(*(rename(str(i)) for i in range(5)))

    name = mongo.accounts.find_one({"_id": account_id})["name"]
    assert sorted(name.split("+")[1:]) == ["0", "1", "2", "3", "4"]  # no change was lost
    assert attempts > 5  # some ran again after a write conflict
    assert balances(mongo, account_id)["(account)"] == 1000
