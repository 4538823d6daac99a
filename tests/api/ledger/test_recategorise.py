"""Recategorising entries through GraphQL: a linked correction entry moves the money between
envelopes without touching the account balance, the running balances or the income and
expense totals, and moves the per-month figures of the envelopes in the entry's month. Also:
recategorising again, undoing a correction (and the entry), refusals, roles, other users'
ids, idempotency keys."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId

from tests.api.ledger.categorising import (
    Row,
    allocation,
    assert_invariants,
    budget,
    entries,
    expense,
    fund,
    totals,
)
from tests.ledger_client import Member

RECATEGORISE_OPERATIONS = {"RecategoriseTransaction"}

TODAY = datetime.now(UTC).date()
LAST_MONTH = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=10)


def unknown_id(type_name: str) -> str:
    raw = f"{type_name}:{ObjectId()}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def recategorise(member: Member, entry_id: str, **input: Any) -> Row:
    return await member.do("RecategoriseTransaction", id=entry_id, **input)


async def entry(member: Member, account_id: str, entry_id: str) -> Row:
    [found] = [e for e in await entries(member, account_id) if e["id"] == entry_id]
    return found


async def envelope_expense(member: Member, account_id: str, envelope_id: str) -> str:
    """The envelope's spending in last month, from the per-month figures."""
    month = {"dateFrom": LAST_MONTH.replace(day=1).isoformat(),
             "dateTo": (TODAY.replace(day=1) - timedelta(days=1)).isoformat()}  # fmt: skip
    found = await totals(member, account_id, envelope_id, **month)
    amount: str = found["expense"]["amount"]
    return amount


async def spent_last_month(member: Member, account_id: str, ids: dict[str, str]) -> dict[str, str]:
    return {name: await envelope_expense(member, account_id, ids[name]) for name in ids}


class TestRecategorise:
    async def test_a_correction_moves_the_money_and_the_months_spending(self, ana: Member) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, Food="50.00", Fun="50.00")
        original = await expense(
            ana, account, "20.00", envelopeId=ids["Food"], payee="Market",
            bookingDate=LAST_MONTH.isoformat(),
        )  # fmt: skip
        before = await ana.account(account)
        all_time = await totals(ana, account)
        assert (await spent_last_month(ana, account, ids))["Food"] == "20.00"

        payload = await recategorise(ana, original["id"], envelopeId=ids["Fun"])

        correction = payload["correction"]
        assert correction["kind"] == "RECATEGORISE"
        assert correction["amount"]["amount"] == "0.00"
        assert correction["bookingDate"] == LAST_MONTH.isoformat()
        assert correction["balanceAfter"] == before["balance"]
        assert correction["payee"] == "Market"
        assert allocation(correction) == {"Food": "20.00", "Fun": "-20.00"}
        corrected = correction["corrects"]
        assert corrected["id"] == original["id"]
        assert corrected["correctedBy"] == {"id": correction["id"]}
        assert allocation(corrected) == {"Food": "-20.00"}  # the entry itself never changes
        balances = await ana.balances(account)
        assert (balances["Food"], balances["Fun"], balances["*"]) == ("50.00", "30.00", "480.00")
        spent = await spent_last_month(ana, account, ids)
        assert (spent["Food"], spent["Fun"]) == ("0.00", "20.00")
        after = await totals(ana, account)
        assert (after["expense"], after["income"], after["net"]) == (
            all_time["expense"], all_time["income"], all_time["net"],
        )  # fmt: skip
        await assert_invariants(ana, account)

    async def test_splits_and_recategorising_again_correct_the_current_allocation(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, Food="50.00", Fun="50.00", Rent="50.00")
        original = await expense(ana, account, "30.00", envelopeId=ids["Food"])
        first = await recategorise(ana, original["id"], splits=[
            {"envelopeId": ids["Fun"], "amount": "10.00"},
            {"envelopeId": ids["Food"], "amount": "20.00"},
        ])  # fmt: skip
        assert allocation(first["correction"]) == {"Food": "10.00", "Fun": "-10.00"}
        second = await recategorise(ana, original["id"], envelopeId=ids["Rent"])
        assert allocation(second["correction"]) == {
            "Food": "20.00", "Fun": "10.00", "Rent": "-30.00",
        }  # fmt: skip
        assert second["correction"]["corrects"]["correctedBy"] == {"id": second["correction"]["id"]}
        balances = await ana.balances(account)
        assert (balances["Food"], balances["Fun"], balances["Rent"]) == (
            "50.00", "50.00", "20.00",
        )  # fmt: skip
        await assert_invariants(ana, account)

    async def test_income_can_be_recategorised(self, ana: Member) -> None:
        account, ids = await budget(ana)
        income = await ana.do("RecordIncome", accountId=account, amount="100.00")
        payload = await recategorise(ana, income["transaction"]["id"], splits=[
            {"envelopeId": ids["Rent"], "amount": "60.00"},
            {"envelopeId": ids["Available"], "amount": "40.00"},
        ])  # fmt: skip
        assert allocation(payload["correction"]) == {"Available": "-60.00", "Rent": "60.00"}
        all_time = await totals(ana, account)
        assert all_time["income"]["amount"] == "100.00"
        await assert_invariants(ana, account)

    async def test_a_reconciled_entry_can_be_recategorised(self, ana: Member) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, Fun="10.00")
        original = await expense(ana, account, "5.00", envelopeId=ids["Available"])
        everything = [e["id"] for e in await entries(ana, account)]
        await ana.do("SetTransactionsCleared", ids=everything, cleared=True)
        await ana.do(
            "ReconcileAccount", accountId=account, statementDate=TODAY.isoformat(),
            statementBalance="495.00",
        )  # fmt: skip
        payload = await recategorise(ana, original["id"], envelopeId=ids["Fun"])
        assert payload["correction"]["cleared"] == "UNCLEARED"
        account_now = await ana.account(account)
        assert account_now["balance"]["amount"] == "495.00"
        await assert_invariants(ana, account)

    async def test_a_repeat_with_the_same_key_returns_the_first_correction(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, Fun="10.00")
        original = await expense(ana, account, "5.00", envelopeId=ids["Available"])
        first = await recategorise(ana, original["id"], envelopeId=ids["Fun"], idempotencyKey="k")
        again = await recategorise(ana, original["id"], envelopeId=ids["Fun"], idempotencyKey="k")
        assert again["correction"]["id"] == first["correction"]["id"]
        other = await ana.refused(
            "RecategoriseTransaction", id=original["id"], envelopeId=ids["Food"],
            idempotencyKey="k",
        )  # fmt: skip
        assert other["code"] == "CONFLICT"
        assert len(await entries(ana, account)) == 4  # opening, move, expense, one correction


class TestRefusals:
    async def test_what_cannot_be_recategorised(self, ana: Member) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, Food="10.00")
        move = (await entries(ana, account))[-1]
        spent = await expense(ana, account, "5.00", envelopeId=ids["Food"])
        undone = await expense(ana, account, "1.00", envelopeId=ids["Food"])
        await ana.do("UndoTransaction", id=undone["id"])
        await ana.do("ArchiveEnvelope", accountId=account, envelopeId=ids["Rent"])
        correction = (await recategorise(ana, spent["id"], envelopeId=ids["Available"]))[
            "correction"
        ]
        before = await ana.account(account), await entries(ana, account)
        cases: list[tuple[dict[str, Any], str, list[str]]] = [
            ({"id": move["id"], "envelopeId": ids["Fun"]}, "VALIDATION", ["id"]),
            ({"id": correction["id"], "envelopeId": ids["Fun"]}, "VALIDATION", ["id"]),
            ({"id": undone["id"], "envelopeId": ids["Fun"]}, "CONFLICT", ["id"]),
            ({"id": spent["id"], "envelopeId": ids["Available"]}, "VALIDATION", ["envelopeId"]),
            ({"id": spent["id"], "envelopeId": ids["Rent"]}, "VALIDATION", ["envelopeId"]),
            ({"id": spent["id"], "envelopeId": ids["Fun"]}, "INSUFFICIENT_FUNDS", ["amount"]),
            ({"id": spent["id"]}, "VALIDATION", ["envelopeId"]),
            ({"id": spent["id"], "envelopeId": ids["Fun"], "splits": []}, "VALIDATION",
             ["envelopeId"]),
            ({"id": spent["id"], "splits": [{"envelopeId": ids["Food"], "amount": "4.00"}]},
             "VALIDATION", ["splits"]),
            ({"id": spent["id"], "envelopeId": unknown_id("Envelope")}, "NOT_FOUND",
             ["envelopeId"]),
            ({"id": unknown_id("Transaction"), "envelopeId": ids["Fun"]}, "NOT_FOUND", ["id"]),
        ]  # fmt: skip
        for input, code, field in cases:
            error = await ana.refused("RecategoriseTransaction", **input)
            assert (error["code"], error["field"]) == (code, field), input
        assert (await ana.account(account), await entries(ana, account)) == before

    async def test_viewers_and_strangers(self, ana: Member, ben: Member) -> None:
        account, ids = await budget(ana)
        original = await expense(ana, account, "5.00", envelopeId=ids["Available"])
        error = await ben.refused("RecategoriseTransaction", id=original["id"],
                                  envelopeId=ids["Available"])  # fmt: skip
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["id"])
        await ana.do("ShareAccount", accountId=account, email="ben@example.com", role="VIEWER")
        error = await ben.refused("RecategoriseTransaction", id=original["id"],
                                  envelopeId=ids["Food"])  # fmt: skip
        assert error["code"] == "FORBIDDEN"


class TestUndo:
    async def test_undoing_a_correction_restores_the_allocation_before_it(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, Food="50.00", Fun="50.00", Rent="50.00")
        original = await expense(ana, account, "20.00", envelopeId=ids["Food"],
                                 bookingDate=LAST_MONTH.isoformat())  # fmt: skip
        first = (await recategorise(ana, original["id"], envelopeId=ids["Fun"]))["correction"]
        second = (await recategorise(ana, original["id"], envelopeId=ids["Rent"]))["correction"]

        error = await ana.refused("UndoTransaction", id=first["id"])
        assert (error["code"], error["field"]) == ("CONFLICT", ["id"])
        undo = await ana.do("UndoTransaction", id=second["id"])
        assert allocation(undo["reversals"][0]) == {"Fun": "-20.00", "Rent": "20.00"}
        assert (await entry(ana, account, original["id"]))["undone"] is False
        balances = await ana.balances(account)
        assert (balances["Food"], balances["Fun"], balances["Rent"]) == (
            "50.00", "30.00", "50.00",
        )  # fmt: skip
        spent = await spent_last_month(ana, account, ids)
        assert (spent["Food"], spent["Fun"], spent["Rent"]) == ("0.00", "20.00", "0.00")
        linked = await ana.query("Transaction", id=original["id"])
        assert linked["transaction"]["id"] == original["id"]
        # The earlier correction is the latest standing one again, and may be undone.
        await ana.do("UndoTransaction", id=first["id"])
        balances = await ana.balances(account)
        assert (balances["Food"], balances["Fun"]) == ("30.00", "50.00")
        # Redoing an undone correction is refused: recategorise again instead.
        reversal = (await entries(ana, account))[-1]
        error = await ana.refused("UndoTransaction", id=reversal["id"])
        assert (error["code"], error["field"]) == ("VALIDATION", ["id"])
        await assert_invariants(ana, account)

    async def test_undoing_a_corrected_entry_reverses_its_current_allocation(
        self, ana: Member
    ) -> None:
        account, ids = await budget(ana)
        await fund(ana, account, ids, Food="50.00", Fun="50.00")
        original = await expense(ana, account, "20.00", envelopeId=ids["Food"],
                                 bookingDate=LAST_MONTH.isoformat())  # fmt: skip
        correction = (await recategorise(ana, original["id"], envelopeId=ids["Fun"]))["correction"]
        undo = await ana.do("UndoTransaction", id=original["id"])
        assert allocation(undo["reversals"][0]) == {"Fun": "20.00"}
        balances = await ana.balances(account)
        assert (balances["Food"], balances["Fun"], balances["*"]) == ("50.00", "50.00", "500.00")
        spent = await spent_last_month(ana, account, ids)
        assert (spent["Food"], spent["Fun"]) == ("0.00", "0.00")
        error = await ana.refused("UndoTransaction", id=correction["id"])
        assert error["code"] == "CONFLICT"
        error = await ana.refused(
            "RecategoriseTransaction", id=original["id"], envelopeId=ids["Food"]
        )
        assert error["code"] == "CONFLICT"
        await assert_invariants(ana, account)
