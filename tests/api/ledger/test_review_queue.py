"""The review queue through GraphQL: entries flagged for review (imports flag them; these
tests flag recorded entries in the database, as no API path flags entries yet), newest first
and paged; `markReviewed` and recategorising take them out; roles and other users' ids."""

from __future__ import annotations

import base64
from typing import Any

from bson import ObjectId

from tests.api.ledger.categorising import Row, budget, expense, fund
from tests.ledger_client import Member

REVIEW_OPERATIONS = {"ReviewQueue", "MarkReviewed"}


def raw_id(global_id: str) -> ObjectId:
    text = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    return ObjectId(text.split(":", 1)[1])


def flag(mongo: Any, *entries: Row) -> None:
    """What an import does to a row it could not categorise."""
    ids = [raw_id(e["id"]) for e in entries]
    mongo.transactions.update_many({"_id": {"$in": ids}}, {"$set": {"needs_review": True}})


async def queue(member: Member, account_id: str, **page: Any) -> list[Row]:
    found = await member.query("ReviewQueue", accountId=account_id, **page)
    return [edge["node"] for edge in found["reviewQueue"]["edges"]]


async def flagged_budget(member: Member, mongo: Any) -> tuple[str, dict[str, str], list[Row]]:
    account, ids = await budget(member)
    rows = [
        await expense(member, account, f"{n}.00", payee=f"Row {n}", bookingDate=f"2024-03-0{n}")
        for n in (1, 2, 3)
    ]
    flag(mongo, *rows)
    return account, ids, rows


class TestReviewQueue:
    async def test_flagged_entries_newest_first_in_pages(self, ana: Member, mongo: Any) -> None:
        account, _, _ = await flagged_budget(ana, mongo)
        await expense(ana, account, "9.00", payee="Not flagged")
        first = await ana.query("ReviewQueue", accountId=account, first=2)
        page = first["reviewQueue"]
        assert [e["node"]["payee"] for e in page["edges"]] == ["Row 3", "Row 2"]
        assert all(e["node"]["needsReview"] for e in page["edges"])
        assert page["pageInfo"]["hasNextPage"] is True
        rest = await queue(ana, account, first=2, after=page["pageInfo"]["endCursor"])
        assert [e["payee"] for e in rest] == ["Row 1"]

    async def test_mark_reviewed_takes_entries_out(self, ana: Member, mongo: Any) -> None:
        account, _, rows = await flagged_budget(ana, mongo)
        payload = await ana.do("MarkReviewed", ids=[rows[0]["id"], rows[2]["id"]])
        assert [t["needsReview"] for t in payload["transactions"]] == [False, False]
        assert [e["payee"] for e in await queue(ana, account)] == ["Row 2"]
        again = await ana.do("MarkReviewed", ids=[rows[0]["id"]])  # already reviewed: as is
        assert again["transactions"][0]["needsReview"] is False

    async def test_recategorising_takes_an_entry_out(self, ana: Member, mongo: Any) -> None:
        account, ids, rows = await flagged_budget(ana, mongo)
        await fund(ana, account, ids, Food="10.00")
        payload = await ana.do("RecategoriseTransaction", id=rows[1]["id"], envelopeId=ids["Food"])
        assert payload["correction"]["corrects"]["needsReview"] is False
        assert [e["payee"] for e in await queue(ana, account)] == ["Row 3", "Row 1"]

    async def test_refusals(self, ana: Member, ben: Member, mongo: Any) -> None:
        account, _, rows = await flagged_budget(ana, mongo)
        other, _, others = await flagged_budget(ana, mongo)
        error = await ana.refused("MarkReviewed", ids=[rows[0]["id"], others[0]["id"]])
        assert (error["code"], error["field"]) == ("VALIDATION", ["ids", "1"])
        error = await ana.refused("MarkReviewed", ids=[])
        assert (error["code"], error["field"]) == ("VALIDATION", ["ids"])
        error = await ben.refused("MarkReviewed", ids=[rows[0]["id"]])
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["ids", "0"])
        reply = await ben.send("ReviewQueue", {"accountId": account})
        assert reply.error_codes() == ["NOT_FOUND"]
        await ana.do("ShareAccount", accountId=account, email="ben@example.com", role="VIEWER")
        assert len(await queue(ben, account)) == 3
        error = await ben.refused("MarkReviewed", ids=[rows[0]["id"]])
        assert error["code"] == "FORBIDDEN"
        assert len(await queue(ana, account)) == 3
        assert len(await queue(ana, other)) == 3
