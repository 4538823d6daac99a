"""Import jobs over the API: a bank file uploaded, dry run, commit; every format, the dedupe
(importing twice adds nothing; a row typed by hand is matched, not doubled), malformed rows,
refused files, and every error code."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from bson import ObjectId

from tests.ledger_client import Member

IMPORT_OPERATIONS = {
    "StartImport",
    "CommitImport",
    "ResumeImport",
    "CancelImport",
    "ImportJob",
    "ImportJobs",
}
Row = dict[str, Any]
TODAY = datetime.now(UTC).date()
SETTLED = ("NEEDS_MAPPING", "PREVIEW", "DONE", "FAILED", "CANCELLED")

ENTRIES = """
query ImportedEntries($id: ID!) {
  account(id: $id) {
    transactions(first: 100) {
      edges { node { id sequence kind bookingDate payee memo cleared importId needsReview
        amount { amount } lines { envelope { name } amount { amount } } } }
    }
  }
}
"""


def day(days_ago: int) -> date:
    return TODAY - timedelta(days=days_ago)


def unknown_id(type_name: str) -> str:
    raw = f"{type_name}:{ObjectId()}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def csv_file(*rows: tuple[date | str, str, str]) -> bytes:
    lines = ["Date,Amount,Payee,Memo"]
    lines += [
        f"{d.isoformat() if isinstance(d, date) else d},{amount},{payee},memo {i}"
        for i, (d, amount, payee) in enumerate(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


async def settled(member: Member, job_id: str, *statuses: str) -> Row:
    """The job once it has stopped moving (or reached one of `statuses`)."""
    wanted = statuses or SETTLED
    job: Row = {}
    for _ in range(1200):
        job = (await member.query("ImportJob", id=job_id, first=100))["importJob"]
        if job["status"] in wanted:
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"the import job did not settle: {job}")


async def dry_run(member: Member, account_id: str, content: bytes, name: str, **more: Any) -> Row:
    file_id = await member.upload(content, name)
    job: Row = (await member.do("StartImport", accountId=account_id, fileId=file_id, **more))["job"]
    return await settled(member, job["id"])


async def imported(member: Member, account_id: str, content: bytes, name: str = "s.csv") -> Row:
    """Dry run, then commit; the job once done."""
    job = await dry_run(member, account_id, content, name)
    assert job["status"] == "PREVIEW", job
    await member.do("CommitImport", jobId=job["id"])
    done = await settled(member, job["id"])
    assert done["status"] == "DONE", done
    return done


async def entries(member: Member, account_id: str) -> list[Row]:
    reply = await member.gql.execute(ENTRIES, {"id": account_id}, token=member.token)
    edges = reply.data["account"]["transactions"]["edges"]
    return sorted((edge["node"] for edge in edges), key=lambda e: e["sequence"])


async def check_invariants(member: Member, account_id: str) -> None:
    """Account balance = Σ envelopes = Σ entries; the month totals agree with the entries."""
    account = await member.account(account_id)
    balance = Decimal(account["balance"]["amount"])
    assert balance == sum(Decimal(e["balance"]["amount"]) for e in account["envelopes"])
    found = await entries(member, account_id)
    assert balance == sum(Decimal(e["amount"]["amount"]) for e in found)
    totals = (await member.query("Totals", id=account_id))["account"]["totals"]
    income = sum(Decimal(e["amount"]["amount"]) for e in found if e["kind"] == "INCOME")
    expense = -sum(Decimal(e["amount"]["amount"]) for e in found if e["kind"] == "EXPENSE")
    assert (Decimal(totals["income"]["amount"]), Decimal(totals["expense"]["amount"])) == (
        income,
        expense,
    )


async def checking(member: Member, **more: Any) -> str:
    account_id: str = (await member.open_account(**more))["id"]
    return account_id


# --- the dry run and the commit ---------------------------------------------------------------


class TestCsvImport:
    async def test_a_dry_run_previews_every_row_and_books_nothing(self, ana: Member) -> None:
        account = await checking(ana)
        content = csv_file((day(3), "-12.50", "Bakery"), (day(2), "1500.00", "Employer"))
        job = await dry_run(ana, account, content, "statement.csv")
        assert job["status"] == "PREVIEW"
        assert (job["format"], job["detail"]) == ("CSV", "CSV")
        assert job["header"] == ["Date", "Amount", "Payee", "Memo"]
        assert job["csvMapping"]["date"] == "Date"
        assert job["csvMapping"]["amount"] == "Amount"
        assert job["counts"] == {
            "rows": 2, "new": 2, "duplicates": 0, "matched": 0, "flaggedForReview": 2,
            "errors": 0,
        }  # fmt: skip
        assert (job["rowsDone"], job["rowsTotal"]) == (2, 2)
        rows = [edge["node"] for edge in job["rows"]["edges"]]
        assert [(r["line"], r["amount"]["amount"], r["payee"], r["status"]) for r in rows] == [
            (2, "-12.50", "Bakery", "NEW"),
            (3, "1500.00", "Employer", "NEW"),
        ]
        assert rows[0]["reason"] == "NONE"
        assert "comes from Available" in rows[0]["explanation"]
        assert rows[0]["envelopes"] == []
        assert rows[0]["importId"].startswith("hash:")
        assert len(await entries(ana, account)) == 1  # the opening entry only

    async def test_a_commit_books_every_row_flagged_for_review_from_available(
        self, ana: Member
    ) -> None:
        account = await checking(ana)
        content = csv_file((day(3), "-12.50", "Bakery"), (day(2), "1500.00", "Employer"))
        done = await imported(ana, account, content)
        assert done["counts"]["new"] == 2
        assert done["previewCounts"]["new"] == 2
        assert done["finishedAt"] is not None
        booked = (await entries(ana, account))[1:]
        assert [(e["kind"], e["amount"]["amount"], e["payee"]) for e in booked] == [
            ("EXPENSE", "-12.50", "Bakery"),
            ("INCOME", "1500.00", "Employer"),
        ]
        assert all(e["needsReview"] and e["cleared"] == "CLEARED" for e in booked)
        assert all(e["lines"][0]["envelope"]["name"] == "Available" for e in booked)
        assert all(e["importId"].startswith("hash:") for e in booked)
        balances = await ana.balances(account)
        assert balances == {"Available": "1487.50", "*": "1487.50"}
        await check_invariants(ana, account)

    async def test_a_rule_chooses_the_envelope_and_the_row_is_not_flagged(
        self, ana: Member
    ) -> None:
        account = await checking(ana, envelopeNames=["Food"])
        food = (await ana.envelope_ids(account))["Food"]
        await ana.do(
            "CreateRule", name="Groceries", accountIds=[account],
            conditions=[{"type": "PAYEE", "operator": "CONTAINS", "value": "market"}],
            actions=[{"type": "SET_ENVELOPE", "envelopeId": food}],
        )  # fmt: skip
        content = csv_file((day(2), "-30.00", "Supermarket"), (day(1), "-5.00", "Kiosk"))
        job = await dry_run(ana, account, content, "s.csv")
        rows = [edge["node"] for edge in job["rows"]["edges"]]
        assert [(r["reason"], [e["envelope"]["name"] for e in r["envelopes"]]) for r in rows] == [
            ("RULE", ["Food"]),
            ("NONE", []),
        ]
        assert job["counts"]["flaggedForReview"] == 1
        await ana.do("CommitImport", jobId=job["id"])
        await settled(ana, job["id"])
        booked = (await entries(ana, account))[1:]
        assert [(e["lines"][0]["envelope"]["name"], e["needsReview"]) for e in booked] == [
            ("Food", False),
            ("Available", True),
        ]
        balances = await ana.balances(account)
        assert balances == {"Available": "-5.00", "Food": "-30.00", "*": "-35.00"}
        await check_invariants(ana, account)

    async def test_an_import_books_rows_even_where_an_envelope_goes_below_zero(
        self, ana: Member
    ) -> None:
        account = await checking(ana)  # no overdraft allowed, nothing in Available
        await imported(ana, account, csv_file((day(1), "-80.00", "Rent")))
        assert await ana.balances(account) == {"Available": "-80.00", "*": "-80.00"}
        await check_invariants(ana, account)

    async def test_importing_the_same_file_twice_adds_nothing(self, ana: Member) -> None:
        account = await checking(ana)
        content = csv_file(
            (day(3), "-4.00", "Coffee"), (day(3), "-4.00", "Coffee"), (day(1), "-9.99", "Music")
        )
        await imported(ana, account, content)
        assert len(await entries(ana, account)) == 4  # two coffees stay two
        again = await dry_run(ana, account, content, "again.csv")
        assert again["counts"]["duplicates"] == 3
        assert again["counts"]["new"] == 0
        assert {edge["node"]["status"] for edge in again["rows"]["edges"]} == {"DUPLICATE"}
        await ana.do("CommitImport", jobId=again["id"])
        done = await settled(ana, again["id"])
        assert (done["status"], done["counts"]["duplicates"]) == ("DONE", 3)
        assert len(await entries(ana, account)) == 4
        await check_invariants(ana, account)

    async def test_a_later_statement_overlapping_an_earlier_one_adds_only_the_new_rows(
        self, ana: Member
    ) -> None:
        account = await checking(ana)
        await imported(ana, account, csv_file((day(5), "-3.00", "Bus"), (day(4), "-7.00", "Lunch")))
        later = csv_file((day(4), "-7.00", "Lunch"), (day(2), "-2.00", "Bus"))
        done = await imported(ana, account, later)
        assert (done["counts"]["new"], done["counts"]["duplicates"]) == (1, 1)
        assert len(await entries(ana, account)) == 4

    async def test_a_row_typed_by_hand_is_matched_not_doubled(self, ana: Member) -> None:
        account = await checking(ana)
        await ana.do("RecordIncome", accountId=account, amount="100.00")
        typed = await ana.do(
            "RecordExpense",
            accountId=account,
            amount="12.50",
            envelopeId=(await ana.envelope_ids(account))["Available"],
            payee="Tesco",
            bookingDate=day(4).isoformat(),
        )
        typed_id = typed["transaction"]["id"]
        content = csv_file((day(2), "-12.50", "TESCO STORES 3297 DUBLIN IE"))
        job = await dry_run(ana, account, content, "s.csv")
        [row] = [edge["node"] for edge in job["rows"]["edges"]]
        assert row["status"] == "MATCHED"
        assert row["matchedTransaction"]["id"] == typed_id
        assert "same amount" in row["matchReasons"]
        await ana.do("CommitImport", jobId=job["id"])
        done = await settled(ana, job["id"])
        assert done["counts"]["matched"] == 1
        found = await entries(ana, account)
        assert len(found) == 3  # opening, income, the expense typed by hand: nothing doubled
        manual = next(e for e in found if e["id"] == typed_id)
        assert manual["importId"] == row["importId"]
        assert manual["needsReview"]
        assert manual["cleared"] == "CLEARED"
        assert await ana.balances(account) == {"Available": "87.50", "*": "87.50"}
        again = await dry_run(ana, account, content, "s.csv")
        assert again["counts"]["duplicates"] == 1  # the match counts as imported
        await check_invariants(ana, account)

    async def test_malformed_rows_are_reported_by_line_and_the_others_import(
        self, ana: Member
    ) -> None:
        account = await checking(ana)
        content = csv_file(
            (day(3), "-1.00", "Good"), ("31/02/2024", "-2.00", "Bad date"),
            (day(2), "lots", "Bad amount"), (day(1), "-4.00", "Also good"),
        )  # fmt: skip
        job = await dry_run(ana, account, content, "s.csv")
        assert job["counts"]["errors"] == 2
        assert [e["line"] for e in job["errors"]] == [3, 4]
        assert "is not a date" in job["errors"][0]["reason"]
        assert "'lots' is not an amount" in job["errors"][1]["reason"]
        await ana.do("CommitImport", jobId=job["id"])
        done = await settled(ana, job["id"])
        assert (done["counts"]["new"], done["counts"]["errors"]) == (2, 2)
        assert [e["line"] for e in done["errors"]] == [3, 4]
        assert [e["payee"] for e in (await entries(ana, account))[1:]] == ["Good", "Also good"]

    async def test_start_with_dry_run_false_commits_after_the_dry_run(self, ana: Member) -> None:
        account = await checking(ana)
        file_id = await ana.upload(csv_file((day(1), "-1.00", "A")))
        job = (await ana.do("StartImport", accountId=account, fileId=file_id, dryRun=False))["job"]
        done = await settled(ana, job["id"], "DONE", "FAILED")
        assert done["status"] == "DONE"
        assert done["previewCounts"]["new"] == 1
        assert len(await entries(ana, account)) == 2


class TestCsvMapping:
    EUROPEAN = (
        "Buchungstag;Betrag;Empfänger;Verwendungszweck\n"
        f"{day(2):%d.%m.%Y};-1.234,56;Möbelhaus;Sofa\n"
        f"{day(1):%d.%m.%Y};12,00;Rückzahlung;\n"
    ).encode()

    async def test_a_european_export_is_read_with_the_suggested_mapping(self, ana: Member) -> None:
        account = await checking(ana)
        job = await dry_run(ana, account, self.EUROPEAN, "umsaetze.csv")
        mapping = job["csvMapping"]
        assert (mapping["delimiter"], mapping["decimalSeparator"]) == (";", ",")
        assert mapping["dateFormat"] == "%d.%m.%Y"
        amounts = [edge["node"]["amount"]["amount"] for edge in job["rows"]["edges"]]
        assert amounts == ["-1234.56", "12.00"]

    async def test_unknown_columns_wait_for_a_mapping_and_it_is_suggested_next_time(
        self, ana: Member
    ) -> None:
        account = await checking(ana)
        content = f"When,How much,Who\n{day(2)},-5.00,Shop\n".encode()
        job = await dry_run(ana, account, content, "odd.csv")
        assert job["status"] == "NEEDS_MAPPING"
        assert job["header"] == ["When", "How much", "Who"]
        assert job["sampleRows"] == [[day(2).isoformat(), "-5.00", "Shop"]]
        refused = await ana.refused("CommitImport", jobId=job["id"])
        assert refused["code"] == "VALIDATION"
        mapping = {"date": "When", "amount": "How much", "payee": "Who"}
        mapped = await dry_run(ana, account, content, "odd.csv", csvMapping=mapping)
        assert mapped["status"] == "PREVIEW"
        assert mapped["counts"]["new"] == 1
        await ana.do("CommitImport", jobId=mapped["id"])
        await settled(ana, mapped["id"])
        # The same header next time: read with the saved mapping.
        later = f"When,How much,Who\n{day(1)},-6.00,Shop\n".encode()
        suggested = await dry_run(ana, account, later, "odd.csv")
        assert suggested["status"] == "PREVIEW"
        assert suggested["csvMapping"]["amount"] == "How much"

    async def test_a_mapping_naming_a_missing_column_is_refused(self, ana: Member) -> None:
        account = await checking(ana)
        file_id = await ana.upload(csv_file((day(1), "-1.00", "A")))
        error = await ana.refused(
            "StartImport", accountId=account, fileId=file_id,
            csvMapping={"date": "Datum", "amount": "Amount"},
        )  # fmt: skip
        assert (error["code"], error["field"]) == ("VALIDATION", ["csvMapping", "date"])
        incomplete = await ana.refused(
            "StartImport", accountId=account, fileId=file_id, csvMapping={"date": "Date"}
        )
        assert incomplete["code"] == "VALIDATION"


# --- the other formats --------------------------------------------------------------------------

OFX = f"""OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STMTRS><CURDEF>EUR
<BANKACCTFROM><BANKID>1<ACCTID>2<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>{day(3):%Y%m%d}<TRNAMT>-21.40<FITID>T-1<NAME>Grocer</STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>{day(2):%Y%m%d}<FITID>T-2<NAME>No amount</STMTTRN>
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>{day(1):%Y%m%d}<TRNAMT>50.00<FITID>T-3<NAME>Refund</STMTTRN>
</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
""".encode()

QIF = f"""!Type:Bank
D{day(3):%m/%d/%Y}
T-10.00
PBakery
^
D{day(2):%m/%d/%Y}
T-5.00
PKiosk
^
""".encode()

CAMT = f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>
<Acct><Id><IBAN>DE02120300000000202051</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>{day(2)}</Dt></BookgDt><NtryRef>R1</NtryRef>
<NtryDtls><TxDtls><RltdPties><Cdtr><Nm>Kiosk</Nm></Cdtr></RltdPties></TxDtls></NtryDtls>
</Ntry></Stmt></BkToCstmrStmt></Document>
""".encode()


class TestOtherFormats:
    async def test_an_ofx_file_imports_by_fitid_with_a_broken_record_reported(
        self, ana: Member
    ) -> None:
        account = await checking(ana)
        job = await dry_run(ana, account, OFX, "bank.ofx")
        assert job["format"] == "OFX"
        assert [e["line"] for e in job["errors"]] == [2]
        ids = [edge["node"]["importId"] for edge in job["rows"]["edges"]]
        assert ids == ["ofx:T-1", "ofx:T-3"]
        await ana.do("CommitImport", jobId=job["id"])
        await settled(ana, job["id"])
        assert await ana.balances(account) == {"Available": "28.60", "*": "28.60"}
        again = await dry_run(ana, account, OFX, "bank.qfx")
        assert again["counts"]["duplicates"] == 2

    async def test_a_qif_file_imports(self, ana: Member) -> None:
        account = await checking(ana)
        done = await imported(ana, account, QIF, "money.qif")
        assert done["format"] == "QIF"
        assert [e["payee"] for e in (await entries(ana, account))[1:]] == ["Bakery", "Kiosk"]

    async def test_a_camt_053_statement_imports(self, ana: Member) -> None:
        account = await checking(ana)
        done = await imported(ana, account, CAMT, "statement.xml")
        assert (done["format"], done["counts"]["new"]) == ("CAMT", 1)
        [entry] = (await entries(ana, account))[1:]
        assert (entry["payee"], entry["amount"]["amount"]) == ("Kiosk", "-5.00")
        await check_invariants(ana, account)


class TestRefusedFiles:
    async def test_a_file_that_is_not_what_its_name_claims_is_refused_whole(
        self, ana: Member
    ) -> None:
        account = await checking(ana)
        for content, name in (
            (csv_file((day(1), "-1.00", "A")), "bank.ofx"),
            (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "photo.csv"),
            (QIF, "statement.xml"),
            (b"   \n", "empty.csv"),
            (b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><Document/>", "x.xml"),
        ):
            file_id = await ana.upload(content, name)
            error = await ana.refused("StartImport", accountId=account, fileId=file_id)
            assert (error["code"], error["field"]) == ("FILE_REFUSED", ["file"]), (name, error)
        jobs = await ana.query("ImportJobs", accountId=account)
        assert jobs["importJobs"]["edges"] == []

    async def test_a_csv_broken_past_its_start_fails_the_job_and_books_nothing(
        self, ana: Member
    ) -> None:
        account = await checking(ana)
        good = csv_file(*[(day(1), "-1.00", f"Shop {i}") for i in range(50)])
        broken = good + f'{day(1)},"-1.00,'.encode() + b"x" * 200_000 + b"\n"
        file_id = await ana.upload(broken, "s.csv")
        job = (await ana.do("StartImport", accountId=account, fileId=file_id, dryRun=False))["job"]
        failed = await settled(ana, job["id"])
        assert failed["status"] == "FAILED"
        assert "the CSV cannot be read" in failed["failure"]
        # Resuming a failed job reads the file again: it is still broken.
        again = await ana.do("ResumeImport", jobId=job["id"])
        assert again["job"]["status"] in ("ANALYSING", "FAILED")
        assert (await settled(ana, job["id"]))["failure"] == failed["failure"]
        assert len(await entries(ana, account)) == 1

    async def test_a_chosen_format_the_content_contradicts_is_refused(self, ana: Member) -> None:
        account = await checking(ana)
        file_id = await ana.upload(QIF, "money.qif")
        error = await ana.refused("StartImport", accountId=account, fileId=file_id, format="OFX")
        assert error["code"] == "FILE_REFUSED"
        assert "QIF, not OFX" in error["message"]


# --- the job's life and every error code --------------------------------------------------------


class TestJobs:
    async def test_committing_twice_is_a_conflict_unless_with_the_same_key(
        self, ana: Member
    ) -> None:
        account = await checking(ana)
        job = await dry_run(ana, account, csv_file((day(1), "-1.00", "A")), "s.csv")
        first = await ana.do("CommitImport", jobId=job["id"], idempotencyKey="k-1")
        assert first["job"]["status"] in ("QUEUED", "RUNNING", "DONE")
        again = await ana.do("CommitImport", jobId=job["id"], idempotencyKey="k-1")
        assert again["job"]["id"] == job["id"]
        error = await ana.refused("CommitImport", jobId=job["id"])
        assert error["code"] == "CONFLICT"
        await settled(ana, job["id"])
        assert len(await entries(ana, account)) == 2

    async def test_a_cancelled_job_books_nothing_and_cannot_be_committed(self, ana: Member) -> None:
        account = await checking(ana)
        job = await dry_run(ana, account, csv_file((day(1), "-1.00", "A")), "s.csv")
        cancelled = await ana.do("CancelImport", jobId=job["id"])
        assert cancelled["job"]["status"] == "CANCELLED"
        assert (await ana.refused("CommitImport", jobId=job["id"]))["code"] == "CONFLICT"
        assert (await ana.refused("CancelImport", jobId=job["id"]))["code"] == "CONFLICT"
        assert (await ana.refused("ResumeImport", jobId=job["id"]))["code"] == "CONFLICT"
        assert len(await entries(ana, account)) == 1

    async def test_resuming_a_job_that_runs_leaves_it_to_its_worker(self, ana: Member) -> None:
        account = await checking(ana)
        file_id = await ana.upload(csv_file((day(1), "-1.00", "A")))
        job = (await ana.do("StartImport", accountId=account, fileId=file_id, dryRun=False))["job"]
        await settled(ana, job["id"], "DONE")
        error = await ana.refused("ResumeImport", jobId=job["id"])
        assert error["code"] == "CONFLICT"
        assert len(await entries(ana, account)) == 2

    async def test_jobs_are_listed_latest_first_and_loaded_as_nodes(self, ana: Member) -> None:
        account = await checking(ana)
        first = await dry_run(ana, account, csv_file((day(1), "-1.00", "A")), "one.csv")
        second = await dry_run(ana, account, QIF, "two.qif")
        listed = (await ana.query("ImportJobs", accountId=account, first=10))["importJobs"]
        assert [edge["node"]["id"] for edge in listed["edges"]] == [second["id"], first["id"]]
        node = (await ana.query("Node", id=first["id"]))["node"]
        assert node["id"] == first["id"]

    async def test_the_preview_rows_page_in_file_order(self, ana: Member) -> None:
        account = await checking(ana)
        content = csv_file(*[(day(1), f"-{i}.00", f"Shop {i}") for i in range(1, 6)])
        job = await dry_run(ana, account, content, "s.csv")
        page = (await ana.query("ImportJob", id=job["id"], first=2))["importJob"]["rows"]
        assert [e["node"]["index"] for e in page["edges"]] == [0, 1]
        rest = await ana.query(
            "ImportJob", id=job["id"], first=10, after=page["pageInfo"]["endCursor"]
        )
        assert [e["node"]["index"] for e in rest["importJob"]["rows"]["edges"]] == [2, 3, 4]


class TestRefusals:
    async def test_another_users_file_account_or_job_is_not_found(
        self, ana: Member, ben: Member
    ) -> None:
        account = await checking(ana)
        bens_account = await checking(ben)
        bens_file = await ben.upload(csv_file((day(1), "-1.00", "A")))
        error = await ana.refused("StartImport", accountId=account, fileId=bens_file)
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["fileId"])
        error = await ana.refused("StartImport", accountId=account, fileId=str(ObjectId()))
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["fileId"])
        error = await ana.refused("StartImport", accountId=account, fileId="nonsense")
        assert error["code"] == "NOT_FOUND"
        anas_file = await ana.upload(csv_file((day(1), "-1.00", "A")))
        error = await ana.refused("StartImport", accountId=bens_account, fileId=anas_file)
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["accountId"])
        job = await dry_run(ana, account, csv_file((day(1), "-1.00", "A")), "s.csv")
        for name in ("CommitImport", "ResumeImport", "CancelImport"):
            for job_id in (job["id"], unknown_id("ImportJob")):
                error = await ben.refused(name, jobId=job_id)
                assert (error["code"], error["field"]) == ("NOT_FOUND", ["jobId"]), name
        reply = await ben.send("ImportJob", {"id": job["id"]})
        assert reply.error_codes() == ["NOT_FOUND"]
        assert (await ben.query("Node", id=job["id"]))["node"] is None
        reply = await ben.send("ImportJobs", {"accountId": account})
        assert reply.error_codes() == ["NOT_FOUND"]

    async def test_a_viewer_may_read_jobs_but_not_import(self, ana: Member, ben: Member) -> None:
        account = await checking(ana)
        await ana.do("ShareAccount", accountId=account, email="ben@example.com", role="VIEWER")
        job = await dry_run(ana, account, csv_file((day(1), "-1.00", "A")), "s.csv")
        assert (await ben.query("ImportJob", id=job["id"]))["importJob"]["status"] == "PREVIEW"
        file_id = await ben.upload(csv_file((day(1), "-1.00", "A")))
        error = await ben.refused("StartImport", accountId=account, fileId=file_id)
        assert error["code"] == "FORBIDDEN"
        for name in ("CommitImport", "ResumeImport", "CancelImport"):
            assert (await ben.refused(name, jobId=job["id"]))["code"] == "FORBIDDEN"

    async def test_an_editor_may_import_into_a_shared_account(
        self, ana: Member, ben: Member
    ) -> None:
        account = await checking(ana)
        await ana.do("ShareAccount", accountId=account, email="ben@example.com", role="EDITOR")
        await imported(ben, account, csv_file((day(1), "-1.00", "A")))
        assert len(await entries(ana, account)) == 2

    async def test_an_import_without_signing_in_is_unauthenticated(self, ana: Member) -> None:
        account = await checking(ana)
        file_id = await ana.upload(csv_file((day(1), "-1.00", "A")))
        reply = await ana.gql.execute(
            "mutation($i: StartImportInput!) { startImport(input: $i) { job { id } } }",
            {"i": {"accountId": account, "fileId": file_id}},
        )
        assert reply.error_codes() == ["UNAUTHENTICATED"]

    async def test_a_file_past_the_upload_limit_is_too_large(self, make_api: Any) -> None:
        async with make_api(upload_max_bytes=2048) as (_, gql):
            ana = await Member.register(gql, "ana@example.com", "Ana")
            reply = await gql.http.post(
                "/uploads", params={"kind": "import", "name": "big.csv"},
                content=b"x" * 4096, headers={"Authorization": f"Bearer {ana.token}"},
            )  # fmt: skip
            assert reply.status_code == 413
            assert "TOO_LARGE" in reply.text
