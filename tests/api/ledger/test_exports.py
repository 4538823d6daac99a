"""Exporting the history as CSV: `exportHistory` gives a one-minute link, and
`GET /exports/history/<link>.csv` streams the entries the history query shows for the same
filter, in the same order, with the same amounts and balances."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.core.clock import utcnow
from app.core.settings import Settings
from app.services.ledger.exports import HEADER
from app.services.tokens import ExportClaims, ExportTokens
from tests.api.ledger.test_history import history, open_long_history, raw, register
from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member

EXPORT = "ExportHistory"
EXPORT_OPERATIONS = {EXPORT}
BOM = "\ufeff"


async def link(member: Member, account_id: str, **filter: Any) -> str:
    payload = await member.do(EXPORT, accountId=account_id, filter=filter or None)
    url: str = payload["url"]
    assert url.startswith("/exports/history/"), url
    assert url.endswith(".csv"), url
    return url


async def download(http: httpx.AsyncClient, url: str) -> list[dict[str, str]]:
    reply = await http.get(url)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "text/csv; charset=utf-8"
    text = reply.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text[len(BOM) :], newline="")))


async def every_entry(member: Member, account_id: str, **filter: Any) -> list[dict[str, Any]]:
    """The history query's entries for `filter`, all pages."""
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        page = await history(member, account_id, first=100, after=after, filter=filter or None)
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


def as_row(node: dict[str, Any]) -> dict[str, str]:
    """What the CSV must say of a history node (but the undo links)."""
    lines = "; ".join(f"{x['envelope']['name']}: {x['amount']['amount']}" for x in node["lines"])
    return {
        "date": node["bookingDate"],
        "sequence": str(node["sequence"]),
        "kind": node["kind"].lower(),
        "payee": node["payee"] or "",
        "memo": node["memo"] or "",
        "tags": ";".join(node["tags"]),
        "envelopes": lines,
        "amount": node["amount"]["amount"],
        "currency": node["amount"]["currency"],
        "balance": node["balanceAfter"]["amount"],
        "cleared": node["cleared"].lower(),
        "recorded by": node["recordedBy"]["displayName"],
    }


def without_links(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: v for k, v in row.items() if k not in ("undone by", "reverses")} for row in rows]


@pytest.fixture
async def ana(gql: GraphQLClient) -> Member:
    return await register(gql, "Ana")


@pytest.fixture
async def book(ana: Member) -> dict[str, str]:
    """An account with income, a split expense, tags, an undone expense, a cleared entry."""
    account = await ana.open_account(
        name="Joint / Family", openingBalance="1000.00", envelopeNames=["Food", "Rent"]
    )
    account_id = account["id"]
    ids = await ana.envelope_ids(account_id)
    await ana.do(
        "RecordIncome", accountId=account_id, amount="1234.56", payee="ACME, Payroll",
        memo='March "salary"', bookingDate="2024-03-01",
        allocations=[{"envelopeId": ids["Food"], "amount": "200"}],
    )  # fmt: skip
    await ana.do(
        "RecordExpense", accountId=account_id, amount="120", payee="Landlord & Co",
        memo="rent\nand groceries", bookingDate="2024-03-10", tags=["home", "monthly"],
        splits=[
            {"envelopeId": ids["Food"], "amount": "20"},
            {"envelopeId": ids["Available"], "amount": "100"},
        ],
    )  # fmt: skip
    spent = await ana.do(
        "RecordExpense", accountId=account_id, amount="12.50", envelopeId=ids["Food"],
        payee="Café Ünïcode", bookingDate="2024-03-12",
    )  # fmt: skip
    await ana.do("UndoTransaction", id=spent["transaction"]["id"])
    await ana.do("SetTransactionsCleared", ids=[spent["transaction"]["id"]], cleared=True)
    return {"account": account_id, **ids}


class TestExportingTheHistory:
    async def test_the_file_starts_with_a_bom_and_the_header(
        self, ana: Member, book: dict[str, str], http: httpx.AsyncClient
    ) -> None:
        reply = await http.get(await link(ana, book["account"]))
        assert reply.content.startswith(BOM.encode("utf-8") + b"date,sequence,kind,payee,")
        first_line = reply.content.decode("utf-8")[len(BOM) :].split("\r\n")[0]
        assert first_line.split(",") == HEADER

    async def test_every_row_is_the_history_querys_entry_in_the_same_order(
        self, ana: Member, book: dict[str, str], http: httpx.AsyncClient
    ) -> None:
        rows = await download(http, await link(ana, book["account"]))
        nodes = await every_entry(ana, book["account"])
        assert without_links(rows) == [as_row(node) for node in nodes]
        assert [row["sequence"] for row in rows] == ["1", "5", "4", "3", "2"]

    async def test_a_filtered_export_holds_exactly_the_filtered_history(
        self, ana: Member, book: dict[str, str], http: httpx.AsyncClient
    ) -> None:
        for filter in (
            {"kinds": ["EXPENSE"]},
            {"envelopeId": book["Food"], "dateTo": "2024-03-11"},
            {"text": "landlord"},
            {"cleared": ["CLEARED"]},
            {"minAmount": "100", "maxAmount": "200"},
        ):
            rows = await download(http, await link(ana, book["account"], **filter))
            nodes = await every_entry(ana, book["account"], **filter)
            assert nodes, filter
            assert without_links(rows) == [as_row(node) for node in nodes], filter

    async def test_undone_entries_and_reversals_name_each_other_by_sequence(
        self, ana: Member, book: dict[str, str], http: httpx.AsyncClient
    ) -> None:
        rows = {r["sequence"]: r for r in await download(http, await link(ana, book["account"]))}
        assert (rows["4"]["undone by"], rows["4"]["reverses"]) == ("5", "")
        assert (rows["5"]["undone by"], rows["5"]["reverses"]) == ("", "4")
        assert (rows["3"]["undone by"], rows["3"]["reverses"]) == ("", "")

    async def test_amounts_are_plain_decimals_and_lines_name_their_envelopes(
        self, ana: Member, book: dict[str, str], http: httpx.AsyncClient
    ) -> None:
        rows = {r["sequence"]: r for r in await download(http, await link(ana, book["account"]))}
        assert rows["2"]["amount"] == "1234.56"
        assert rows["2"]["balance"] == "2234.56"
        assert rows["3"]["amount"] == "-120.00"
        assert rows["3"]["envelopes"] == "Food: -20.00; Available: -100.00"
        assert rows["3"]["tags"] == "home;monthly"
        assert rows["3"]["memo"] == "rent\nand groceries"
        assert rows["2"]["payee"] == "ACME, Payroll"
        assert rows["4"]["cleared"] == "cleared"
        assert rows["4"]["recorded by"] == "Ana"

    async def test_the_file_is_an_attachment_named_after_the_account(
        self, ana: Member, book: dict[str, str], http: httpx.AsyncClient
    ) -> None:
        reply = await http.get(await link(ana, book["account"]))
        day = utcnow().date().isoformat()
        disposition = reply.headers["content-disposition"]
        assert disposition.startswith(f'attachment; filename="Joint - Family-history-{day}.csv"')
        assert reply.headers["cache-control"] == "no-store"

    async def test_a_viewer_may_export(
        self, ana: Member, book: dict[str, str], gql: GraphQLClient, http: httpx.AsyncClient
    ) -> None:
        cleo = await register(gql, "Cleo")
        await ana.do(
            "ShareAccount", accountId=book["account"], email="cleo@example.com", role="VIEWER"
        )
        rows = await download(http, await link(cleo, book["account"]))
        assert len(rows) == 5


class TestFormulaInjection:
    @pytest.mark.parametrize("payee", ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)"])
    async def test_text_a_spreadsheet_would_evaluate_gets_a_leading_apostrophe(
        self, ana: Member, http: httpx.AsyncClient, payee: str
    ) -> None:
        account = await ana.open_account(openingBalance="10.00", envelopeNames=["=Risky"])
        await ana.do("RecordIncome", accountId=account["id"], amount="1", payee=payee, memo=payee)
        rows = await download(http, await link(ana, account["id"]))
        assert rows[0]["payee"] == rows[0]["memo"] == "'" + payee.strip()
        assert rows[0]["amount"] == "1.00"

    async def test_negative_amounts_are_numbers_not_escaped(
        self, ana: Member, http: httpx.AsyncClient
    ) -> None:
        account = await ana.open_account(openingBalance="10.00", envelopeNames=["Food"])
        food = (await ana.envelope_ids(account["id"]))["Food"]
        await ana.do(
            "MoveMoney",
            accountId=account["id"],
            fromEnvelopeId=(await ana.envelope_ids(account["id"]))["Available"],
            toEnvelopeId=food,
            amount="5",
        )
        await ana.do("RecordExpense", accountId=account["id"], amount="2", envelopeId=food)
        rows = await download(http, await link(ana, account["id"]))
        assert rows[0]["amount"] == "-2.00"
        assert rows[0]["envelopes"] == "Food: -2.00"


class TestRefusals:
    async def test_another_users_account_is_not_found_like_a_made_up_id(
        self, ana: Member, book: dict[str, str], gql: GraphQLClient
    ) -> None:
        ben = await register(gql, "Ben")
        theirs = await ben.refused(EXPORT, accountId=book["account"])
        made_up = await ben.refused(
            EXPORT, accountId=book["account"].replace(book["account"][-4:], "AAAA")
        )
        assert theirs == made_up
        assert theirs["code"] == "NOT_FOUND"
        assert theirs["field"] == ["accountId"]

    @pytest.mark.parametrize(
        "filter",
        [
            {"dateFrom": "2024-03-10", "dateTo": "2024-03-01"},
            {"minAmount": "-1"},
            {"payee": "x" * 101},
            {"envelopeId": "garbage"},
        ],
    )
    async def test_a_bad_filter_gets_the_history_querys_own_error(
        self, ana: Member, book: dict[str, str], filter: dict[str, Any]
    ) -> None:
        error = await ana.refused(EXPORT, accountId=book["account"], filter=filter)
        reply = await ana.send(
            "Transactions", {"id": book["account"], "first": 10, "filter": filter}
        )
        [expected] = reply.errors
        assert error["code"] == expected["extensions"]["code"]
        assert error["message"] == expected["message"]

    async def test_an_envelope_of_another_account_is_not_found(
        self, ana: Member, book: dict[str, str]
    ) -> None:
        other = await ana.open_account(name="Savings", envelopeNames=["Trip"])
        trip = (await ana.envelope_ids(other["id"]))["Trip"]
        error = await ana.refused(EXPORT, accountId=book["account"], filter={"envelopeId": trip})
        assert error["code"] == "NOT_FOUND"
        assert error["field"] == ["filter", "envelopeId"]

    async def test_an_expired_link_is_gone(
        self, ana: Member, book: dict[str, str], settings: Settings, http: httpx.AsyncClient
    ) -> None:
        user_id, account_id = raw(ana.user["id"]), raw(book["account"])
        tokens = ExportTokens(settings.secret, 60)
        claims = ExportClaims(user_id, user_id, account_id, {})  # the expiry is checked first
        token, _ = tokens.issue(claims, utcnow() - timedelta(seconds=61))
        reply = await http.get(f"/exports/history/{token}.csv")
        assert reply.status_code == 410
        assert "expired" in reply.text

    async def test_a_tampered_link_is_not_found(
        self, ana: Member, book: dict[str, str], http: httpx.AsyncClient
    ) -> None:
        url = await link(ana, book["account"])
        token = url.removeprefix("/exports/history/").removesuffix(".csv")
        head, payload, signature = token.split(".")
        flipped = "A" if signature[5] != "A" else "B"
        for bad in (
            f"{head}.{payload}.{signature[:5]}{flipped}{signature[6:]}",
            f"{head}.{payload[:-2]}xx.{signature}",
            "not-a-token",
            ana.token,  # an access token is no download link
        ):
            reply = await http.get(f"/exports/history/{bad}.csv")
            assert reply.status_code == 404, bad
            assert reply.text == "No such export."

    async def test_a_link_used_as_an_access_token_is_unauthenticated(
        self, ana: Member, book: dict[str, str], gql: GraphQLClient
    ) -> None:
        token = (await link(ana, book["account"])).split("/")[-1].removesuffix(".csv")
        reply = await gql.execute("query { me { id } }", {}, token=token)
        assert reply.error_codes() == ["UNAUTHENTICATED"]

    async def test_a_member_removed_after_the_export_gets_nothing(
        self, ana: Member, book: dict[str, str], gql: GraphQLClient, http: httpx.AsyncClient
    ) -> None:
        ben = await register(gql, "Ben")
        await ana.do(
            "ShareAccount", accountId=book["account"], email="ben@example.com", role="VIEWER"
        )
        url = await link(ben, book["account"])
        await ana.do("RemoveMember", accountId=book["account"], userId=ben.user["id"])
        reply = await http.get(url)
        assert reply.status_code == 404


class TestStreaming:
    async def test_more_entries_than_a_page_stream_page_by_page_in_history_order(
        self,
        ana: Member,
        mongo: Any,
        api: tuple[FastAPI, GraphQLClient],
        http: httpx.AsyncClient,
    ) -> None:
        account_id = await open_long_history(ana, mongo, size=1200)
        url = await link(ana, account_id)
        rows = await download(http, url)
        nodes = await every_entry(ana, account_id)
        assert len(rows) == len(nodes) == 1200
        assert without_links(rows) == [as_row(node) for node in nodes]

        token = url.removeprefix("/exports/history/").removesuffix(".csv")
        export = await api[0].state.services.exports.open(token)
        chunks = [chunk async for chunk in export.chunks(page_size=500)]
        assert len(chunks) == 1 + 3  # the header, then one chunk per page of 500
        assert b"".join(chunks) == (await http.get(url)).content
