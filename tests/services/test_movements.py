"""Money movements through `MovementService`, with no HTTP in between."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.core.errors import ConflictError, InsufficientFundsError, ValidationError
from app.core.viewer import Viewer
from app.domain.entries import EntryDetails
from app.persistence.outcome import Outcome
from app.services.container import Services
from app.services.ledger.commands import Expense, Move, OpenAccount, Transfer
from tests.services.conftest import balances


async def open_account(
    services: Services, viewer: Viewer, currency: str, opening: str, *envelopes: str
) -> Outcome:
    command = OpenAccount(
        name=f"{currency} account",
        type="checking",
        currency=currency,
        opening_balance=opening,
        envelope_names=envelopes,
    )
    return await services.accounts.open(viewer, command)


def envelope_id(outcome: Outcome, name: str) -> Any:
    return next(e.id for e in outcome.accounts[0].envelopes if e.name == name)


class TestTransferAcrossCurrencies:
    async def test_each_account_moves_in_its_own_currency_with_two_linked_entries(
        self, services: Services, ana: Viewer, mongo: Any
    ) -> None:
        euros = (await open_account(services, ana, "EUR", "100.00")).accounts[0]
        yen = (await open_account(services, ana, "JPY", "0")).accounts[0]

        outcome = await services.movements.transfer(
            ana, Transfer(euros.id, yen.id, amount="10.00", received_amount="1550")
        )

        out, into = outcome.entries
        assert (out.account_id, out.amount, out.currency) == (euros.id, -1000, "EUR")
        assert (into.account_id, into.amount, into.currency) == (yen.id, 1550, "JPY")
        assert (out.counterpart_id, into.counterpart_id) == (into.id, out.id)
        assert [a.id for a in outcome.accounts] == [euros.id, yen.id]
        assert balances(mongo, euros.id) == {"Available": 9000, "(account)": 9000}
        assert balances(mongo, yen.id) == {"Available": 1550, "(account)": 1550}

    async def test_without_the_received_amount_nothing_moves(
        self, services: Services, ana: Viewer, mongo: Any
    ) -> None:
        euros = (await open_account(services, ana, "EUR", "100.00")).accounts[0]
        yen = (await open_account(services, ana, "JPY", "0")).accounts[0]

        with pytest.raises(ValidationError) as refused:
            await services.movements.transfer(ana, Transfer(euros.id, yen.id, amount="10.00"))

        assert refused.value.field == ["receivedAmount"]
        assert balances(mongo, euros.id)["(account)"] == 10000
        assert mongo.transactions.count_documents({"kind": "transfer"}) == 0


class TestIdempotentReplay:
    async def test_a_repeated_key_answers_with_the_first_outcome_and_moves_once(
        self, services: Services, ana: Viewer, mongo: Any
    ) -> None:
        opened = await open_account(services, ana, "EUR", "50.00", "Food")
        account = opened.accounts[0]
        move = Move(
            account.id, envelope_id(opened, "Available"), envelope_id(opened, "Food"), "20.00"
        )

        first = await services.movements.move(ana, move, key="move-1")
        again = await services.movements.move(ana, move, key="move-1")

        assert [e.id for e in again.entries] == [e.id for e in first.entries]
        assert balances(mongo, account.id) == {"Available": 3000, "Food": 2000, "(account)": 5000}
        assert mongo.transactions.count_documents({"account_id": account.id, "kind": "move"}) == 1

    async def test_concurrent_repeats_of_one_key_move_once(
        self, services: Services, ana: Viewer, mongo: Any
    ) -> None:
        opened = await open_account(services, ana, "EUR", "50.00", "Food")
        account = opened.accounts[0]
        move = Move(
            account.id, envelope_id(opened, "Available"), envelope_id(opened, "Food"), "1.00"
        )

        outcomes = await asyncio.gather(
            *(services.movements.move(ana, move, key="burst") for _ in range(6))
        )

        assert len({outcome.entries[0].id for outcome in outcomes}) == 1
        assert balances(mongo, account.id)["Food"] == 100

    async def test_the_key_with_another_request_is_a_conflict(
        self, services: Services, ana: Viewer, mongo: Any
    ) -> None:
        opened = await open_account(services, ana, "EUR", "50.00", "Food")
        available, food = envelope_id(opened, "Available"), envelope_id(opened, "Food")
        account_id = opened.accounts[0].id
        await services.movements.move(ana, Move(account_id, available, food, "1.00"), key="k")

        with pytest.raises(ConflictError):
            await services.movements.move(ana, Move(account_id, available, food, "2.00"), key="k")

        assert balances(mongo, account_id)["Food"] == 100


class TestRefusedOverdraft:
    async def test_an_expense_beyond_the_envelope_changes_nothing(
        self, services: Services, ana: Viewer, mongo: Any
    ) -> None:
        opened = await open_account(services, ana, "EUR", "30.00", "Food")
        account = opened.accounts[0]
        stored_before = mongo.accounts.find_one({"_id": account.id})
        figures_before = list(mongo.month_totals.find({}, {"_id": 0}))
        expense = Expense(
            account.id,
            "30.01",
            envelope_id=envelope_id(opened, "Available"),
            details=EntryDetails(payee="Market"),
        )

        with pytest.raises(InsufficientFundsError):
            await services.movements.expense(ana, expense, key="too-much")

        assert mongo.accounts.find_one({"_id": account.id}) == stored_before
        assert list(mongo.month_totals.find({}, {"_id": 0})) == figures_before
        assert mongo.transactions.count_documents({"account_id": account.id}) == 1  # opening
        assert mongo.idempotency_keys.count_documents({}) == 0
