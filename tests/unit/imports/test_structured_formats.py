"""OFX, QIF and CAMT: a broken record is a row error, the others import."""

from __future__ import annotations

from datetime import date

from app.services.imports.formats import RowError, parse

QIF = b"""!Type:Bank
D03/01/2024
T-10.00
PBakery
^
D03/41/2024
T-5.00
PBroken date
^
D03/02/2024
T-2,50x
PBroken amount
^
D03/03/2024
T-1.00
PKiosk
^
"""

OFX = b"""OFXHEADER:100
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
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240301<TRNAMT>-1.00<FITID>a<NAME>One</STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240302<FITID>b<NAME>No amount</STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240303<TRNAMT>-1.005<FITID>c<NAME>Too fine</STMTTRN>
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240304235959[-8:PST]<TRNAMT>2.00<FITID>d</STMTTRN>
</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
"""

CAMT = b"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"><BkToCstmrAcctRpt><Rpt>
<Acct><Id><IBAN>DE02120300000000202051</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">9.99</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts>
<BookgDt><Dt>2024-03-02</Dt></BookgDt></Ntry>
<Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2024-03-01</Dt></BookgDt><NtryRef>R1</NtryRef>
<NtryDtls><TxDtls><RltdPties><Cdtr><Nm>Kiosk</Nm></Cdtr></RltdPties></TxDtls></NtryDtls>
</Ntry></Rpt></BkToCstmrAcctRpt></Document>
"""


def test_a_broken_qif_record_is_a_row_error_at_its_line() -> None:
    result = parse(QIF, filename="x.qif", currency="EUR")
    assert [row.payee for row in result.rows] == ["Bakery", "Kiosk"]
    assert [error.line for error in result.errors] == [6, 10]
    assert "'-2,50x' is not an amount" in result.errors[1].reason


def test_qif_dates_can_be_read_day_first_on_request() -> None:
    data = b"!Type:Bank\nD03/01/2024\nT-1.00\n^\n"
    assert parse(data, filename="x.qif", currency="EUR").rows[0].booking_date == date(2024, 3, 1)
    day_first = parse(data, filename="x.qif", currency="EUR", qif_day_first=True)
    assert day_first.rows[0].booking_date == date(2024, 1, 3)


def test_a_broken_ofx_transaction_is_a_row_error_by_its_number() -> None:
    result = parse(OFX, filename="x.ofx", currency="EUR")
    assert [(row.fitid, row.amount_minor) for row in result.rows] == [("a", -100), ("d", 200)]
    assert [error.line for error in result.errors] == [2, 3]
    assert "at most 2 decimals" in result.errors[1].reason


def test_an_ofx_date_is_the_day_the_bank_wrote_not_utc() -> None:
    row = parse(OFX, filename="x.ofx", currency="EUR").rows[-1]
    assert row.booking_date == date(2024, 3, 4)


def test_a_pending_camt_entry_is_reported_and_booked_ones_import() -> None:
    result = parse(CAMT, filename="report.xml", currency="EUR")
    assert [(row.payee, row.amount_minor, row.fitid) for row in result.rows] == [
        ("Kiosk", -500, "R1")
    ]
    assert result.errors == [
        RowError(1, "Entry 1: it is not booked (status PDNG); import it once it is.")
    ]
    assert result.statement.account_id == "DE02120300000000202051"
