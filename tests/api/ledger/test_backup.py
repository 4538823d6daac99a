"""Household backup and restore: `createBackup` gives a one-minute link to a gzip of JSON
Lines holding the accounts the caller owns with all their records; `restoreBackup` takes
such a file (uploaded with `POST /uploads?kind=backup`) and restores it in a job, refusing a
damaged or foreign file as a whole and checking every invariant before anything is visible.

The round trip: backup → restore into a fresh database → backup again gives the same
content, once ids are normalised (`canonical`). What differs, and why: every id (a restore
writes new ids, so it never clashes with the accounts it came from), the user ids (each
instance has its own users; the file names them by email), the header's `createdAt` and
the checksum, and schedules, which come back paused (their original may still be running).
An account's `import_key` (its first id, as text) is kept as it is: it is what makes a
statement imported before the backup known to the restored account.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field

from app.core.clock import utcnow
from app.core.ids import ObjectId
from app.graphql.relay import to_global_id
from app.persistence.documents.base import StoredId
from app.persistence.repositories.households import PER_OWNER, RecordType
from app.services.backups.file_format import record_line
from app.services.tokens import BackupClaims, BackupTokens
from tests.api.ledger.test_history import raw, totals
from tests.api.ledger.test_imports import dry_run, settled
from tests.api_process import process_environment, start_api, stop
from tests.conftest import TEST_SECRET, ApiFactory
from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member

BACKUP_OPERATIONS = {"CreateBackup", "RestoreBackup", "RestoreJob"}
TODAY = utcnow().date()
ID = re.compile(r"^[0-9a-f]{24}$")


# --- helpers ----------------------------------------------------------------------------------


async def backup(member: Member, **input: Any) -> bytes:
    payload = await member.do("CreateBackup", **input)
    url: str = payload["url"]
    assert url.startswith("/backups/"), url
    assert url.endswith(".envelopes.gz"), url
    reply = await member.gql.http.get(url)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/gzip"
    return reply.content


def records(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in gzip.decompress(data).splitlines()]


def rewrite(rows: list[dict[str, Any]], checksum: bool = True) -> bytes:
    """A file of these records: with a new, matching checksum (a forgery), or as they are."""
    body = b"".join(record_line(r) for r in rows[:-1])
    last = rows[-1]
    if checksum:
        last = {"type": "sha256", "sha256": hashlib.sha256(body).hexdigest()}
    return gzip.compress(body + record_line(last))


async def start_restore(member: Member, data: bytes) -> dict[str, Any]:
    file_id = await member.upload(data, name="household.envelopes.gz", kind="backup")
    return await member.attempt("RestoreBackup", fileId=file_id)


async def finished(member: Member, job_id: str) -> dict[str, Any]:
    """The job once it has ended (DONE or FAILED)."""
    for _ in range(6000):
        job: dict[str, Any] = (await member.query("RestoreJob", id=job_id))["restoreJob"]
        if job["status"] in ("DONE", "FAILED"):
            return job
        await asyncio.sleep(0.01)
    raise AssertionError(f"restore {job_id} never ended")


async def restore(member: Member, data: bytes) -> dict[str, Any]:
    payload = await start_restore(member, data)
    assert payload["userErrors"] == [], payload
    return await finished(member, payload["job"]["id"])


async def refusal(member: Member, data: bytes) -> dict[str, Any]:
    """Why the file was refused: at once (the mutation), or by its job."""
    payload = await start_restore(member, data)
    if payload["job"] is None:
        [error] = payload["userErrors"]
        return dict(error)
    job = await finished(member, payload["job"]["id"])
    assert job["status"] == "FAILED", job
    return dict(job["error"])


async def restored(member: Member, data: bytes) -> dict[str, Any]:
    job = await restore(member, data)
    assert (job["status"], job["error"]) == ("DONE", None), job["error"]
    return job


def canonical(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records with every id replaced by the order it first appears in, and without what
    must differ from one backup to the next (see the module docstring)."""
    seen: dict[str, str] = {}

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            # An account's import identity is not an id: it is the same text in both files.
            return {k: v if k == "import_key" else walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str) and ID.match(value):
            return seen.setdefault(value, f"id#{len(seen)}")
        return value

    out = []
    for row in rows:
        row = dict(row)
        if row["type"] == "header":
            row.pop("createdAt")
        if row["type"] == "sha256":
            continue
        if row["type"] == "schedule":
            row["data"] = {**row["data"], "paused": "?"}
        out.append(walk(row))
    return out


async def household(ana: Member, ben: Member) -> dict[str, str]:
    """Two accounts of Ana's with most of what an account can hold, Ben an editor of one."""
    main = await ana.open_account(
        name="Main", openingBalance="1000.00", envelopeNames=["Food", "Rent"]
    )
    savings = await ana.open_account(name="Savings", type="SAVINGS", openingBalance="50.00")
    m, s = main["id"], savings["id"]
    env = await ana.envelope_ids(m)
    await ana.do(
        "RecordIncome", accountId=m, amount="1234.56", payee="ACME", bookingDate="2024-03-01",
        allocations=[{"envelopeId": env["Food"], "amount": "200"}],
    )  # fmt: skip
    await ana.do(
        "MoveMoney", accountId=m, fromEnvelopeId=env["Available"], toEnvelopeId=env["Rent"],
        amount="300",
    )  # fmt: skip
    await ana.do(
        "RecordExpense", accountId=m, amount="120", payee="Landlord", tags=["home"],
        splits=[{"envelopeId": env["Food"], "amount": "20"},
                {"envelopeId": env["Rent"], "amount": "0.01"},
                {"envelopeId": env["Available"], "amount": "99.99"}],
    )  # fmt: skip
    spent = await ana.do("RecordExpense", accountId=m, amount="12.50", envelopeId=env["Food"])
    await ana.do("UndoTransaction", id=spent["transaction"]["id"])
    await ana.do("TransferMoney", fromAccountId=m, toAccountId=s, amount="25.00")
    await ana.do("SetTransactionsCleared", ids=[spent["transaction"]["id"]], cleared=True)
    await ana.do(
        "ReconcileAccount", accountId=s, statementDate=TODAY.isoformat(),
        statementBalance="80.00", adjust=True,
    )  # fmt: skip
    await ana.do("SetPlan", accountId=m, envelopeId=env["Food"], amount="200")
    await ana.do("SetGoal", accountId=m, envelopeId=env["Rent"], kind="SAVE", target="900")
    await ana.do(
        "CreatePaymentSource", accountId=m, name="Salary", expectedAmount="2000",
        allocations=[{"envelopeId": env["Rent"], "amount": "800"}],
    )  # fmt: skip
    await ana.do(
        "CreateSchedule", accountId=m, name="Rent", kind="EXPENSE", amount="800",
        envelopeId=env["Rent"],
        recurrence={"frequency": "MONTHLY", "startDate": (TODAY + timedelta(days=3)).isoformat()},
    )  # fmt: skip
    await ana.do("ShareAccount", accountId=m, email=ben.user["email"], role="EDITOR")
    await ben.do("RecordExpense", accountId=m, amount="3.20", envelopeId=env["Food"])
    return {"main": m, "savings": s, **env}


async def every_account(member: Member) -> dict[str, dict[str, Any]]:
    accounts = (await member.query("Accounts", includeClosed=True))["accounts"]
    return {a["id"]: a for a in accounts}


async def history_of(member: Member, account_id: str) -> list[dict[str, Any]]:
    data = await member.query("Transactions", id=account_id, first=100)
    edges = data["account"]["transactions"]["edges"]
    return [
        {
            "sequence": e["node"]["sequence"],
            "kind": e["node"]["kind"],
            "amount": e["node"]["amount"],
            "balanceAfter": e["node"]["balanceAfter"],
            "payee": e["node"]["payee"],
            "recordedBy": e["node"]["recordedBy"]["displayName"],
            "undone": e["node"]["undone"],
            "cleared": e["node"]["cleared"],
        }
        for e in edges
    ]


def month_figures(mongo: Any, account_id: str) -> list[tuple[Any, ...]]:
    """An account's stored per-month figures, envelopes named."""
    account = mongo["accounts"].find_one({"_id": raw(account_id)})
    names = {e["id"]: e["name"] for e in account["envelopes"]}
    rows = mongo["month_totals"].find({"account_id": raw(account_id)})
    return sorted(
        (names.get(r["envelope_id"], ""), r["month"], r["kind"], r["flow"], r["total"],
         r["entries"]) for r in rows
    )  # fmt: skip


@pytest.fixture
async def elsewhere(
    mongo_uri: str, database_name: str, sync_client: Any, tmp_path: Path
) -> AsyncIterator[GraphQLClient]:
    """Another instance: a real API process on a fresh database of the same mongod (one
    process binds its document models to one database)."""
    name = f"{database_name}_elsewhere"
    api = start_api(process_environment(mongo_uri, name), tmp_path / "elsewhere.log")
    try:
        async with httpx.AsyncClient(base_url=api.url, timeout=60) as http:
            yield GraphQLClient(http)
    finally:
        stop(api)
        sync_client.drop_database(name)


@pytest.fixture
async def house(ana: Member, ben: Member) -> dict[str, str]:
    return await household(ana, ben)


# --- the file ---------------------------------------------------------------------------------


class TestTheBackupFile:
    async def test_it_holds_a_header_users_accounts_records_a_manifest_and_a_checksum(
        self, ana: Member, house: dict[str, str]
    ) -> None:
        rows = records(await backup(ana))
        header, *body, manifest, checksum = rows
        assert header["format"] == "envelopes-household-backup"
        assert header["version"] == 1
        assert {r["type"] for r in body} == {
            "user", "account", "entry", "paymentSource", "reconciliation", "schedule",
        }  # fmt: skip
        emails = sorted(r["data"]["email"] for r in body if r["type"] == "user")
        assert emails == ["ana@example.com", "ben@example.com"]
        main_entries = sum(
            1 for r in body if r["type"] == "entry" and r["data"]["account_id"] == str(
                raw(house["main"]))
        )  # fmt: skip
        assert manifest["accounts"] == [
            {"id": str(raw(house["main"])), "name": "Main", "currency": "EUR",
             "balance": 208636, "entries": main_entries},
            {"id": str(raw(house["savings"])), "name": "Savings", "currency": "EUR",
             "balance": 15500, "entries": 3},
        ]  # fmt: skip
        assert manifest["counts"]["account"] == 2
        everything = gzip.decompress(await backup(ana))
        before_last = everything[: everything.rstrip(b"\n").rfind(b"\n") + 1]
        assert checksum["type"] == "sha256"
        assert (
            json.loads(everything.splitlines()[-1])["sha256"]
            == hashlib.sha256(before_last).hexdigest()
        )

    async def test_amounts_are_minor_units_ids_strings_and_moments_iso(
        self, ana: Member, house: dict[str, str]
    ) -> None:
        rows = records(await backup(ana))
        income = next(r["data"] for r in rows if r["type"] == "entry" and r["data"]["kind"] ==
                      "income")  # fmt: skip
        assert income["amount"] == 123456
        assert income["lines"][0]["amount"] == 20000
        assert ID.match(income["id"])
        assert ID.match(income["recorded_by"])
        assert income["booking_date"] == "2024-03-01T00:00:00+00:00"
        account = next(r["data"] for r in rows if r["type"] == "account")
        assert "member_ids" not in account
        assert [m["role"] for m in account["members"]] == ["owner", "editor"]

    async def test_the_download_is_an_attachment_named_with_the_date(
        self, ana: Member, house: dict[str, str]
    ) -> None:
        payload = await ana.do("CreateBackup")
        reply = await ana.gql.http.get(payload["url"])
        disposition = reply.headers["content-disposition"]
        assert f'filename="household-{TODAY.isoformat()}.envelopes.gz"' in disposition
        assert reply.headers["cache-control"] == "no-store"


class TestWhoseAccounts:
    async def test_a_backup_holds_only_the_accounts_the_caller_owns(
        self, ana: Member, ben: Member, house: dict[str, str]
    ) -> None:
        own = await ben.open_account(name="Ben's")
        rows = records(await backup(ben))
        accounts = [r["data"]["name"] for r in rows if r["type"] == "account"]
        assert accounts == ["Ben's"]  # not Ana's Main, where he is an editor
        assert all(
            r["data"]["account_id"] == str(raw(own["id"])) for r in rows if r["type"] == "entry"
        )
        ana_accounts = [r["data"]["name"] for r in records(await backup(ana)) if r["type"] ==
                        "account"]  # fmt: skip
        assert ana_accounts == ["Main", "Savings"]

    async def test_naming_accounts_backs_up_just_those(
        self, ana: Member, house: dict[str, str]
    ) -> None:
        rows = records(await backup(ana, accountIds=[house["savings"]]))
        assert [r["data"]["name"] for r in rows if r["type"] == "account"] == ["Savings"]

    async def test_another_users_account_is_not_found_and_a_shared_one_forbidden(
        self, ana: Member, ben: Member, house: dict[str, str]
    ) -> None:
        error = await ben.refused("CreateBackup", accountIds=[house["savings"]])
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["accountIds", "0"])
        error = await ben.refused("CreateBackup", accountIds=[house["main"]])
        assert (error["code"], error["field"]) == ("FORBIDDEN", ["accountIds", "0"])
        error = await ben.refused("CreateBackup", accountIds=[])
        assert error["code"] == "VALIDATION"

    async def test_an_expired_or_tampered_link_sends_nothing(
        self, ana: Member, http: httpx.AsyncClient, house: dict[str, str]
    ) -> None:
        url = (await ana.do("CreateBackup"))["url"]
        token = url.removeprefix("/backups/").removesuffix(".envelopes.gz")
        reply = await http.get(f"/backups/{token[:-2]}xx.envelopes.gz")
        assert reply.status_code == 404
        tokens = BackupTokens(TEST_SECRET, 60)
        user_id = raw(ana.user["id"])
        claims = tokens.decode(token)
        expired, _ = tokens.issue(
            BackupClaims(user_id, claims.login_id, None), datetime.now(UTC) - timedelta(hours=1)
        )
        reply = await http.get(f"/backups/{expired}.envelopes.gz")
        assert reply.status_code == 410


# --- restoring --------------------------------------------------------------------------------


class TestRoundTrip:
    async def test_a_restored_backup_backs_up_to_the_same_content(
        self, ana: Member, ben: Member, house: dict[str, str], elsewhere: GraphQLClient
    ) -> None:
        first = await backup(ana)
        ana2 = await Member.register(elsewhere, "ana@example.com", "Ana")
        await Member.register(elsewhere, "ben@example.com", "Ben")
        job = await restored(ana2, first)
        assert job["membersNotRestored"] == []
        second = await backup(ana2)
        assert canonical(records(second)) == canonical(records(first))

    async def test_the_restored_accounts_read_as_the_originals(
        self, ana: Member, ben: Member, house: dict[str, str], elsewhere: GraphQLClient
    ) -> None:
        ana2 = await Member.register(elsewhere, "ana@example.com", "Ana")
        await Member.register(elsewhere, "ben@example.com", "Ben")
        await restored(ana2, await backup(ana))
        before, after = await every_account(ana), await every_account(ana2)

        def shown(accounts: dict[str, dict[str, Any]]) -> list[Any]:
            return sorted(
                (a["name"], a["balance"], a["myRole"], [(e["name"], e["balance"]) for e in
                 a["envelopes"]]) for a in accounts.values()
            )  # fmt: skip

        assert shown(after) == shown(before)
        [new_main] = [a["id"] for a in after.values() if a["name"] == "Main"]
        assert await history_of(ana2, new_main) == await history_of(ana, house["main"])

    async def test_restoring_into_the_same_instance_adds_new_accounts_beside_the_old(
        self, ana: Member, house: dict[str, str], mongo: Any
    ) -> None:
        data = await backup(ana)
        before = await every_account(ana)
        job = await restored(ana, data)
        after = await every_account(ana)
        assert before.items() <= after.items()
        new = [a for i, a in after.items() if i not in before]
        assert sorted(a["name"] for a in new) == ["Main", "Savings"]
        assert {a["id"] for a in job["accounts"]} == {a["id"] for a in new}
        assert (job["entriesTotal"], job["entriesRestored"]) == (
            sum(1 for r in records(data) if r["type"] == "entry"),
        ) * 2
        [new_main] = [a["id"] for a in new if a["name"] == "Main"]
        assert await history_of(ana, new_main) == await history_of(ana, house["main"])
        # The per-month figures were written again: totals over whole months read them.
        for filter in ({}, {"dateFrom": "2024-03-01", "dateTo": "2024-03-31"},
                       {"envelopeId": house["Food"]}):  # fmt: skip
            old = await totals(ana, house["main"], **filter)
            if "envelopeId" in filter:
                filter = {"envelopeId": (await ana.envelope_ids(new_main))["Food"]}
            assert await totals(ana, new_main, **filter) == old
        assert month_figures(mongo, new_main) == month_figures(mongo, house["main"])
        # The transfer between the two restored accounts still links them.
        [new_savings] = [a["id"] for a in new if a["name"] == "Savings"]
        sent = mongo["transactions"].find_one({"account_id": raw(new_main), "kind": "transfer"})
        received = mongo["transactions"].find_one({"_id": sent["counterpart_id"]})
        assert sent["counterpart_account_id"] == received["account_id"] == raw(new_savings)
        assert received["counterpart_id"] == sent["_id"]

    async def test_restoring_twice_clashes_with_nothing(
        self, ana: Member, house: dict[str, str]
    ) -> None:
        data = await backup(ana)
        await restored(ana, data)
        await restored(ana, data)
        assert len(await every_account(ana)) == 6

    async def test_schedules_come_back_paused(self, ana: Member, house: dict[str, str]) -> None:
        job = await restored(ana, await backup(ana))
        [main] = [a["id"] for a in job["accounts"] if a["name"] == "Main"]
        schedules = (await ana.query("AccountSchedules", id=main))["account"]["schedules"]
        assert [(s["name"], s["paused"]) for s in schedules] == [("Rent", True)]


class TestMembers:
    async def test_the_restorer_owns_and_members_are_relinked_by_email(
        self, ana: Member, ben: Member, gql: GraphQLClient, house: dict[str, str]
    ) -> None:
        cleo = await Member.register(gql, "cleo@example.com", "Cleo")
        await ana.do("ShareAccount", accountId=house["main"], email="cleo@example.com",
                     role="VIEWER")  # fmt: skip
        rows = records(await backup(ana))
        # Cleo restores Ana's file: she owns the copies, Ana (the owner) becomes an admin.
        job = await restored(cleo, rewrite(rows, checksum=False))
        [main] = [a["id"] for a in job["accounts"] if a["name"] == "Main"]
        members = (await cleo.account(main))["members"]
        roles = {m["email"]: m["role"] for m in members}
        assert roles == {"cleo@example.com": "OWNER", "ana@example.com": "ADMIN",
                         "ben@example.com": "EDITOR"}  # fmt: skip

    async def test_members_with_no_user_here_are_listed_not_restored(
        self, ana: Member, ben: Member, house: dict[str, str], elsewhere: GraphQLClient
    ) -> None:
        ana2 = await Member.register(elsewhere, "ana@example.com", "Ana")
        job = await restored(ana2, await backup(ana))
        assert job["membersNotRestored"] == ["ben@example.com"]
        [main] = [a["id"] for a in job["accounts"] if a["name"] == "Main"]
        members = (await ana2.account(main))["members"]
        assert [(m["email"], m["role"]) for m in members] == [("ana@example.com", "OWNER")]
        # Ben's entry keeps its author, who is nobody here: a former member.
        recorded_by = [h["recordedBy"] for h in await history_of(ana2, main)]
        assert recorded_by.count("Ana") == len(recorded_by) - 1


class TestRefusals:
    async def test_a_file_with_one_byte_changed_is_refused_and_nothing_kept(
        self, ana: Member, house: dict[str, str], mongo: Any
    ) -> None:
        text = bytearray(gzip.decompress(await backup(ana)))
        text[text.index(b'"Savings"') + 1] ^= 0x01  # "Savings" → "Ravings"
        job = await restore(ana, gzip.compress(bytes(text)))
        assert (job["status"], job["error"]["code"]) == ("FAILED", "BACKUP_INVALID")
        assert "checksum" in job["error"]["message"]
        assert len(await every_account(ana)) == 2
        assert mongo["accounts"].count_documents({}) == 2

    async def test_a_damaged_gzip_is_refused(self, ana: Member, house: dict[str, str]) -> None:
        data = bytearray(await backup(ana))
        data[len(data) // 2] ^= 0xFF
        assert (await refusal(ana, bytes(data)))["code"] == "BACKUP_INVALID"
        assert len(await every_account(ana)) == 2

    async def test_a_truncated_file_is_refused(self, ana: Member, house: dict[str, str]) -> None:
        data = await backup(ana)
        job = await restore(ana, data[: len(data) - 40])
        assert (job["status"], job["error"]["code"]) == ("FAILED", "BACKUP_INVALID")
        assert "truncated" in job["error"]["message"]
        whole_lines = gzip.decompress(data).splitlines(keepends=True)[:-1]
        job = await restore(ana, gzip.compress(b"".join(whole_lines)))
        assert (job["status"], job["error"]["code"]) == ("FAILED", "BACKUP_INVALID")

    @pytest.mark.parametrize(
        "content",
        [b"date,amount\n2026-01-02,-3.50\n", gzip.compress(b"date,amount\n"),
         gzip.compress(b'{"type":"header","format":"something-else","version":1}\n'), b""],
    )  # fmt: skip
    async def test_a_file_of_another_format_is_refused_at_once(
        self, ana: Member, content: bytes
    ) -> None:
        payload = await start_restore(ana, content)
        assert payload["job"] is None
        [error] = payload["userErrors"]
        assert (error["code"], error["field"]) == ("BACKUP_INVALID", ["fileId"])

    async def test_a_version_from_the_future_is_refused_at_once(
        self, ana: Member, house: dict[str, str]
    ) -> None:
        rows = records(await backup(ana))
        rows[0]["version"] = 2
        payload = await start_restore(ana, rewrite(rows))
        [error] = payload["userErrors"]
        assert error["code"] == "BACKUP_VERSION"
        assert "newer version" in error["message"]

    async def test_another_users_file_is_not_found(self, ana: Member, ben: Member) -> None:
        file_id = await ana.upload(b"x", kind="backup")
        for wrong in (file_id, "not-an-id", "0" * 24):
            error = await ben.refused("RestoreBackup", fileId=wrong)
            assert (error["code"], error["field"]) == ("NOT_FOUND", ["fileId"])

    async def test_another_users_restore_job_is_not_found(
        self, ana: Member, ben: Member, house: dict[str, str]
    ) -> None:
        job = await restored(ana, await backup(ana))
        reply = await ben.send("RestoreJob", {"id": job["id"]})
        assert reply.body["data"] == {"restoreJob": None}
        assert reply.errors[0]["extensions"]["code"] == "NOT_FOUND"


class TestInvariants:
    """A file with a matching checksum may still be forged or written by a bug: each of these
    breaks one invariant, and the restore refuses it with nothing visible or left behind."""

    @staticmethod
    def entries(rows: list[dict[str, Any]], account: str) -> list[dict[str, Any]]:
        return [r["data"] for r in rows if r["type"] == "entry" and r["data"]["account_id"] ==
                account]  # fmt: skip

    async def assert_refused(self, ana: Member, rows: list[dict[str, Any]], mongo: Any) -> str:
        stored = {name: mongo[name].count_documents({}) for name in mongo.list_collection_names()
                  if name in ("accounts", "transactions", "schedules", "month_totals")}  # fmt: skip
        job = await restore(ana, rewrite(rows))
        assert (job["status"], job["error"]["code"]) == ("FAILED", "BACKUP_INVALID"), job
        assert len(await every_account(ana)) == 2
        assert {name: mongo[name].count_documents({}) for name in stored} == stored
        message: str = job["error"]["message"]
        return message

    @pytest.fixture
    async def rows(self, ana: Member, house: dict[str, str]) -> list[dict[str, Any]]:
        return records(await backup(ana))

    async def test_an_account_balance_that_is_not_its_entries(
        self, ana: Member, rows: list[dict[str, Any]], mongo: Any
    ) -> None:
        account = next(r["data"] for r in rows if r["type"] == "account")
        account["balance"] += 1
        account["envelopes"][0]["balance"] += 1
        assert "balance" in await self.assert_refused(ana, rows, mongo)

    async def test_envelopes_that_do_not_add_up(
        self, ana: Member, rows: list[dict[str, Any]], mongo: Any
    ) -> None:
        account = next(r["data"] for r in rows if r["type"] == "account")
        account["envelopes"][0]["balance"] += 100
        account["envelopes"][1]["balance"] -= 100
        assert "envelope" in await self.assert_refused(ana, rows, mongo)

    async def test_a_gap_in_the_sequence(
        self, ana: Member, rows: list[dict[str, Any]], mongo: Any
    ) -> None:
        account = next(r["data"] for r in rows if r["type"] == "account")
        self.entries(rows, account["id"])[2]["seq"] = 99
        assert "sequence" in await self.assert_refused(ana, rows, mongo)

    async def test_a_wrong_running_balance(
        self, ana: Member, rows: list[dict[str, Any]], mongo: Any
    ) -> None:
        account = next(r["data"] for r in rows if r["type"] == "account")
        self.entries(rows, account["id"])[1]["balance_after"] += 5
        assert "running balance" in await self.assert_refused(ana, rows, mongo)

    async def test_a_missing_entry_against_the_manifest(
        self, ana: Member, rows: list[dict[str, Any]], mongo: Any
    ) -> None:
        last_entry = max(i for i, r in enumerate(rows) if r["type"] == "entry")
        del rows[last_entry]
        assert "manifest" in await self.assert_refused(ana, rows, mongo)

    async def test_money_written_as_a_fraction(
        self, ana: Member, rows: list[dict[str, Any]], mongo: Any
    ) -> None:
        entry = next(r["data"] for r in rows if r["type"] == "entry")
        entry["amount"] = float(entry["amount"])  # the same value, but not in minor units
        assert "fraction" in await self.assert_refused(ana, rows, mongo)

    async def test_a_record_that_is_not_what_its_type_says(
        self, ana: Member, rows: list[dict[str, Any]], mongo: Any
    ) -> None:
        entry = next(r["data"] for r in rows if r["type"] == "entry")
        entry["envelope_ids"] = ["not an id"]
        assert "not a valid entry" in await self.assert_refused(ana, rows, mongo)

    async def test_a_failure_in_the_second_account_leaves_the_first_invisible(
        self, ana: Member, rows: list[dict[str, Any]], mongo: Any
    ) -> None:
        second = [r["data"] for r in rows if r["type"] == "account"][1]
        second["cleared_balance"] += 1
        assert "cleared" in await self.assert_refused(ana, rows, mongo)


class TestInterruptedRestore:
    async def test_a_job_whose_process_died_reads_as_failed_and_leaves_nothing(
        self, ana: Member, mongo: Any
    ) -> None:
        job_id, account_id, long_ago = ObjectId(), ObjectId(), utcnow() - timedelta(hours=1)
        mongo["restore_jobs"].insert_one(
            {"_id": job_id, "user_id": raw(ana.user["id"]), "file_id": ObjectId(),
             "file_name": "household.envelopes.gz", "status": "restoring", "entries_total": 10,
             "entries_done": 4, "accounts_total": 1, "account_ids": [],
             "members_not_restored": [], "created_at": long_ago, "heartbeat_at": long_ago}
        )  # fmt: skip
        mongo["accounts"].insert_one({"_id": account_id, "restore_job_id": job_id})
        mongo["transactions"].insert_one({"account_id": account_id, "seq": 1})
        job = (await ana.query("RestoreJob", id=to_global_id("RestoreJob", job_id)))["restoreJob"]
        assert (job["status"], job["error"]["code"]) == ("FAILED", "RESTORE_FAILED")
        assert job["error"]["message"] == "The restore was interrupted."
        assert mongo["accounts"].count_documents({"_id": account_id}) == 0
        assert mongo["transactions"].count_documents({"account_id": account_id}) == 0


def grown(rows: list[dict[str, Any]], incomes: int) -> list[dict[str, Any]]:
    """The backup of one account with `incomes` more entries of 1.00 into Available, every
    figure kept right (a long history, made without the API)."""
    header, users, account, entries = rows[0], [], None, []
    for row in rows:
        if row["type"] == "user":
            users.append(row)
        elif row["type"] == "account":
            account = row["data"]
        elif row["type"] == "entry":
            entries.append(row)
    assert account is not None
    available = next(e for e in account["envelopes"] if e["builtin"])
    last = entries[-1]["data"]
    for seq in range(last["seq"] + 1, last["seq"] + 1 + incomes):
        account["balance"] += 100
        available["balance"] += 100
        entries.append({"type": "entry", "data": {
            **last, "id": str(ObjectId()), "seq": seq, "kind": "income", "flow": "income",
            "amount": 100, "size": 100, "lines": [{"envelope_id": available["id"], "amount": 100}],
            "envelope_ids": [available["id"]], "balance_after": account["balance"],
            "cleared": "uncleared", "reversed_by": None, "reverses": None,
        }})  # fmt: skip
    account["seq"] = last["seq"] + incomes
    manifest = {"type": "manifest", "counts": {"account": 1, "entry": len(entries)},
                "accounts": [{"id": account["id"], "name": account["name"],
                              "currency": account["currency"], "balance": account["balance"],
                              "entries": len(entries)}]}  # fmt: skip
    return [header, *users, {"type": "account", "data": account}, *entries, manifest, {}]


class TestLongRestores:
    async def test_a_restore_outlives_the_request_that_started_it(
        self, make_api: ApiFactory
    ) -> None:
        async with make_api(request_timeout_seconds=1) as (_app, gql):
            eve = await Member.register(gql, "eve@example.com", "Eve")
            await eve.open_account(name="Long", openingBalance="1.00")
            data = rewrite(grown(records(await backup(eve)), 6000))
            job = await restored(eve, data)
            assert job["entriesRestored"] == 6001
            [account] = job["accounts"]
            assert account["balance"]["amount"] == "6001.00"


class OwnerNoteRecord(BaseModel):
    """A stand-in for a record type keyed by its owner (categorisation rules, settings)."""

    model_config = ConfigDict(populate_by_name=True)

    id: StoredId = Field(alias="_id")
    owner_id: StoredId
    text: str
    created_at: datetime


class TestTheRegistry:
    """A collection keyed by the owner joins backups with one `RecordType` in `PER_OWNER`."""

    @pytest.fixture
    def notes(self, mongo: Any) -> Iterator[RecordType]:
        kind = RecordType("ownerNote", "backup_test_notes", OwnerNoteRecord, ("owner_id",),
                          key="owner_id")  # fmt: skip
        PER_OWNER.append(kind)
        yield kind
        PER_OWNER.remove(kind)

    async def test_an_owners_records_are_backed_up_and_restored_as_the_restorers(
        self, ana: Member, ben: Member, house: dict[str, str], mongo: Any, notes: RecordType
    ) -> None:
        at = utcnow()
        mongo["backup_test_notes"].insert_one(
            {"_id": ObjectId(), "owner_id": raw(ana.user["id"]), "text": "Bakery → Food",
             "created_at": at}
        )  # fmt: skip
        rows = records(await backup(ana))
        [note] = [r["data"] for r in rows if r["type"] == "ownerNote"]
        assert note["text"] == "Bakery → Food"
        assert rows[-2]["counts"]["ownerNote"] == 1
        await restored(ben, rewrite(rows, checksum=False))
        owners = sorted(
            str(r["owner_id"]) for r in mongo["backup_test_notes"].find({"text": "Bakery → Food"})
        )
        assert owners == sorted([str(raw(ana.user["id"])), str(raw(ben.user["id"]))])


class TestRulesTravel:
    async def test_an_owners_rules_come_back_pointing_at_the_restored_envelopes(
        self, ana: Member, ben: Member, house: dict[str, str]
    ) -> None:
        main = house["main"]
        food = (await ana.envelope_ids(main))["Food"]
        await ana.do(
            "CreateRule", name="Bakery", accountIds=[main],
            conditions=[{"type": "PAYEE", "operator": "CONTAINS", "value": "bakery"}],
            actions=[{"type": "SET_ENVELOPE", "envelopeId": food}],
        )  # fmt: skip
        rows = records(await backup(ana))
        assert [r["type"] for r in rows].count("rule") == 1
        await ben.do(
            "CreateRule", name="Ben's own", actions=[{"type": "ADD_TAGS", "tags": ["ben"]}]
        )
        await restored(ben, rewrite(rows, checksum=False))
        rules = (await ben.send("Rules")).data["rules"]
        assert [(r["name"], r["position"]) for r in rules] == [("Ben's own", 0), ("Bakery", 1)]
        restored_main = next(
            i for i, a in (await every_account(ben)).items() if a["name"] == "Main" and i != main
        )
        assert rules[1]["accountIds"] == [restored_main]
        restored_food = (await ben.envelope_ids(restored_main))["Food"]
        assert rules[1]["actions"][0]["envelopeId"] == restored_food
        # and the restored rule works: spending at the bakery goes to the restored Food
        spent = await ben.do("RecordExpense", accountId=restored_main, amount="3.20",
                             payee="Village Bakery")  # fmt: skip
        assert [line["envelope"]["id"] for line in spent["transaction"]["lines"]] == [restored_food]


class TestCsvMappingsTravel:
    async def test_a_saved_csv_mapping_is_suggested_for_the_restored_account(
        self, ana: Member, ben: Member
    ) -> None:
        main = (await ana.open_account(name="Main", openingBalance="100.00"))["id"]
        content = f"When,How much,Who\n{TODAY},-5.00,Shop\n".encode()
        mapping = {"date": "When", "amount": "How much", "payee": "Who"}
        job = await dry_run(ana, main, content, "odd.csv", csvMapping=mapping)
        await ana.do("CommitImport", jobId=job["id"])
        assert (await settled(ana, job["id"]))["status"] == "DONE"
        rows = records(await backup(ana))
        [saved] = [r["data"] for r in rows if r["type"] == "csvMapping"]
        assert saved["header"] == ["When", "How much", "Who"]
        await restored(ben, rewrite(rows, checksum=False))
        [restored_main] = [i for i, a in (await every_account(ben)).items() if a["name"] == "Main"]
        # Ben's first file with that header is read with Ana's saved mapping: no NEEDS_MAPPING.
        suggested = await dry_run(ben, restored_main, content, "odd.csv")
        assert suggested["status"] == "PREVIEW"
        assert suggested["csvMapping"]["amount"] == "How much"
        assert suggested["counts"]["duplicates"] == 1  # the restored entry keeps its import id
