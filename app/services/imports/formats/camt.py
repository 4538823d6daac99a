"""ISO 20022 bank-to-customer statements: camt.053 (and camt.052 reports, which German
banks export alike), parsed with defusedxml: a DTD, entity or external reference refuses
the file, so nothing is ever expanded or fetched.

Per entry (`Ntry`): the sign from `CdtDbtInd`; the value date, else the booking date; the
bank's reference (`AcctSvcrRef`, else `NtryRef`) as the fitid; the counterparty as payee
(the creditor of a debit, the debtor of a credit); `RmtInf/Ustrd` as memo. A batch entry
whose transaction details carry their own amounts becomes one row per detail, without a
fitid (the reference belongs to the entry). Entries not booked (pending) are reported.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .amounts import AmountError, decimal_to_minor
from .model import FileFormat, FileRefused, ImportRow, ParsedFile, RowError, StatementInfo

_CAMT_ROOTS = ("BkToCstmrStmt", "BkToCstmrAcctRpt", "BkToCstmrDbtCdtNtfctn")
_STATEMENTS = ("Stmt", "Rpt", "Ntfctn")
_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:(camt\.\d{3}\.\d{3}\.\d{2})")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class _Part:
    amount_text: str | None
    currency: str | None
    details: ET.Element | None


def looks_like_camt(head: bytes) -> bool:
    """Whether the start of a file is an ISO 20022 bank-to-customer XML document."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"<") and (b"BkToCstmr" in head or b":camt.05" in head)


def read_camt(data: bytes, currency: str) -> ParsedFile:
    root = _document(data)
    statements = [el for el in root.iter() if _local(el) in _STATEMENTS]
    if not any(_local(el) in _CAMT_ROOTS for el in root):
        raise FileRefused("The XML file is not an ISO 20022 camt.052/053/054 document.")
    if len(statements) > 1:
        raise FileRefused(
            f"The file holds {len(statements)} statements: export one account at a time."
        )
    statement = statements[0] if statements else root
    _check_currency(statement, currency)
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    for number, entry in enumerate(_children(statement, "Ntry"), start=1):
        try:
            rows.extend(_rows(number, entry, currency))
        except ValueError as error:
            errors.append(RowError(number, f"Entry {number}: {error}"))
    match = _NAMESPACE.search(root.tag)
    detail = match[1] if match else "camt"
    encoding = _declared_encoding(data)
    return ParsedFile(
        FileFormat.CAMT, rows, errors, encoding, _statement_info(statement, currency), detail
    )


def _document(data: bytes) -> ET.Element:
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise FileRefused(
            "The XML file declares a DTD or entities, which are not accepted."
        ) from error
    except ET.ParseError as error:
        raise FileRefused(f"The file is not well-formed XML: {error}") from error
    if not isinstance(root, ET.Element):
        raise FileRefused("The file is not an XML document.")
    return root


def _declared_encoding(data: bytes) -> str:
    match = re.match(rb"""\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']""", data)
    return match[1].decode("ascii").lower() if match else "utf-8"


def _check_currency(statement: ET.Element, currency: str) -> None:
    declared = _text(_find(statement, "Acct/Ccy"))
    if declared and declared.upper() != currency:
        raise FileRefused(f"The statement is in {declared} but the account is in {currency}.")


def _rows(number: int, entry: ET.Element, currency: str) -> list[ImportRow]:
    status = _text(_find(entry, "Sts/Cd")) or _text(_find(entry, "Sts"))
    if status and status.upper() not in ("BOOK", "BOOKED"):
        raise ValueError(f"it is not booked (status {status}); import it once it is.")
    debit = _text(_find(entry, "CdtDbtInd")) == "DBIT"
    booked = _date(entry, "ValDt") or _date(entry, "BookgDt")
    if booked is None:
        raise ValueError("it has no booking or value date.")
    parts = _parts(entry)
    fitid = None if len(parts) > 1 else _text(_first(entry, "AcctSvcrRef", "NtryRef"))
    return [_row(number, entry, part, debit, booked, fitid, currency) for part in parts]


def _parts(entry: ET.Element) -> list[_Part]:
    """One part per row: the details of a batch when each has its amount, else the entry."""
    amount = _find(entry, "Amt")
    details = list(_children(_find(entry, "NtryDtls"), "TxDtls"))
    whole = _Part(_text(amount), amount.get("Ccy") if amount is not None else None, None)
    if len(details) <= 1:
        return [_Part(whole.amount_text, whole.currency, details[0] if details else None)]
    amounts = [_first(detail, "AmtDtls/TxAmt/Amt", "Amt") for detail in details]
    if any(amount is None for amount in amounts):
        return [whole]
    return [
        _Part(_text(amount), amount.get("Ccy"), detail)
        for amount, detail in zip(amounts, details, strict=True)
        if amount is not None
    ]


def _row(
    number: int,
    entry: ET.Element,
    part: _Part,
    debit: bool,
    booked: date,
    fitid: str | None,
    currency: str,
) -> ImportRow:
    if part.currency and part.currency.upper() != currency:
        raise ValueError(f"its amount is in {part.currency}, the account in {currency}.")
    if part.amount_text is None:
        raise ValueError("it has no amount.")
    try:
        minor = decimal_to_minor(part.amount_text, currency)
    except AmountError as error:
        raise ValueError(str(error)) from error
    payee, memo = _payee_and_memo(entry, part.details, debit)
    cheque = _text(_find(part.details, "Refs/ChqNb"))
    raw = {
        key: value
        for key, value in (
            ("amount", part.amount_text),
            ("CdtDbtInd", "DBIT" if debit else "CRDT"),
            ("BookgDt", _text(_find(entry, "BookgDt/Dt"))),
            ("ValDt", _text(_find(entry, "ValDt/Dt"))),
            ("AddtlNtryInf", _text(_find(entry, "AddtlNtryInf"))),
            ("EndToEndId", _text(_find(part.details, "Refs/EndToEndId"))),
        )
        if value
    }
    return ImportRow(
        line=number,
        booking_date=booked,
        amount_minor=-minor if debit else minor,
        source=FileFormat.CAMT,
        payee=payee,
        memo=memo,
        fitid=fitid,
        check_number=cheque,
        raw=raw,
    )


def _payee_and_memo(
    entry: ET.Element, details: ET.Element | None, debit: bool
) -> tuple[str | None, str | None]:
    party = _find(details, "RltdPties/Cdtr" if debit else "RltdPties/Dbtr")
    payee = _text(_first(party, "Pty/Nm", "Nm"))
    lines = [_text(el) for el in _children(_find(details, "RmtInf"), "Ustrd")]
    memo = _collapse(" ".join(line for line in lines if line))
    extra = _collapse(_text(_find(entry, "AddtlNtryInf")) or "")
    # With neither a counterparty nor remittance text, the bank's additional entry
    # information is all there is ("Supermarkt A"); otherwise it is a booking-type label
    # such as DAUERAUFTRAG, kept in `raw`.
    if payee is None and memo is None and extra:
        payee = extra
    return payee, memo


def _statement_info(statement: ET.Element, currency: str) -> StatementInfo:
    account = _find(statement, "Acct")
    closing = next(
        (
            balance
            for balance in _children(statement, "Bal")
            if _text(_find(balance, "Tp/CdOrPrtry/Cd")) in ("CLBD", "ITBD")
        ),
        None,
    )
    return StatementInfo(
        account_id=_text(_first(account, "Id/IBAN", "Id/Othr/Id")),
        bank_id=_text(_find(account, "Svcr/FinInstnId/BIC")),
        account_name=_text(_first(account, "Nm", "Ownr/Nm")),
        currency=currency,
        start=_iso_date(_text(_find(statement, "FrToDt/FrDtTm"))),
        end=_iso_date(_text(_find(statement, "FrToDt/ToDtTm"))),
        ledger_balance_minor=_balance(closing, currency),
        ledger_date=_date(closing, "Dt") if closing is not None else None,
    )


def _balance(balance: ET.Element | None, currency: str) -> int | None:
    text = _text(_find(balance, "Amt"))
    if text is None:
        return None
    try:
        minor = decimal_to_minor(text, currency)
    except AmountError:
        return None
    return -minor if _text(_find(balance, "CdtDbtInd")) == "DBIT" else minor


def _date(parent: ET.Element | None, name: str) -> date | None:
    holder = _find(parent, name)
    return _iso_date(_text(_first(holder, "Dt", "DtTm")))


def _iso_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _local(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _children(parent: ET.Element | None, name: str) -> list[ET.Element]:
    return [child for child in parent if _local(child) == name] if parent is not None else []


def _find(parent: ET.Element | None, path: str) -> ET.Element | None:
    """The first element along a slash path of local names (namespaces ignored)."""
    for name in path.split("/"):
        if parent is None:
            return None
        parent = next(iter(_children(parent, name)), None)
    return parent


def _first(parent: ET.Element | None, *paths: str) -> ET.Element | None:
    # Not `_find(a) or _find(b)`: an element without children is falsy.
    for path in paths:
        if (found := _find(parent, path)) is not None:
            return found
    return None


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _collapse(text: str) -> str | None:
    return _SPACES.sub(" ", text).strip() or None
