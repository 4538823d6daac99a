"""OFX 1.x (SGML), OFX 2.x (XML) and Quicken's QFX, read with ofxtools.

ofxtools' header reader trusts the declared CHARSET and knows only three of them, while
banks declare "8859-1" over UTF-8 bytes (Actual's fixtures have one), so the header is read
here: valid UTF-8 is UTF-8 whatever the header says, otherwise the declared charset, else
windows-1252. ofxtools then builds the element tree (its tag-soup parser takes unclosed
SGML leaves) and validates each `STMTTRN` against the OFX specification, one at a time, so
one broken transaction is a row error. Statement facts are read leniently: minimal files
without a sign-on, an account or a ledger balance still import.
"""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import unescape

from ofxtools.models.bank.stmt import STMTTRN
from ofxtools.models.base import Aggregate
from ofxtools.Parser import ParseError, TreeBuilder

from .amounts import AmountError, decimal_to_minor
from .encodings import decode, python_codec
from .model import FileFormat, FileRefused, ImportRow, ParsedFile, RowError, StatementInfo

_OFX_START = re.compile(rb"<OFX>", re.IGNORECASE)
_HEADER_FIELD = re.compile(r"([A-Z]+):\s*([\w-]+)")
_XML_ENCODING = re.compile(r"""encoding\s*=\s*["']([\w.:-]+)["']""")
_STATEMENTS = ("STMTRS", "CCSTMTRS")
_RAW_FIELDS = ("TRNTYPE", "DTPOSTED", "TRNAMT", "FITID", "CHECKNUM", "NAME", "MEMO")


def looks_like_ofx(head: bytes) -> bool:
    """Whether the start of a file is an OFX header or document."""
    upper = head.lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    return upper.startswith(b"OFXHEADER") or b"<?OFX" in upper or b"<OFX>" in upper


def read_ofx(data: bytes, currency: str) -> ParsedFile:
    start = _OFX_START.search(data)
    if start is None:
        raise FileRefused("The file has no <OFX> element: it is not an OFX file.")
    header = data[: start.start()].decode("ascii", "replace")
    codec, detail = _codec_of(header, data)
    body = decode(data[start.start() :], codec)
    if "<!DOCTYPE" in body.upper() or "<!ENTITY" in body.upper():
        raise FileRefused("The OFX file declares a DTD or entities, which are not accepted.")
    root = _tree(body)
    statement = _only_statement(root)
    _check_currency(statement, currency)
    rows, errors = _transactions(statement, currency)
    info = _statement_info(statement, currency)
    return ParsedFile(FileFormat.OFX, rows, errors, codec, info, detail)


def _codec_of(header: str, data: bytes) -> tuple[str, str]:
    fields = dict(_HEADER_FIELD.findall(header.upper()))
    if "<?XML" in header.upper():
        match = _XML_ENCODING.search(header)
        declared = match[1] if match else "utf-8"
        detail = "OFX 2 XML"
    else:
        declared = fields.get("CHARSET", "1252")
        declared = "cp1252" if declared in ("1252", "NONE") else declared
        version = fields.get("VERSION", "")
        detail = f"OFX {version[:1]}.{version[1:]} SGML" if version else "OFX 1 SGML"
    try:
        data.decode("utf-8")
        return "utf-8", detail
    except UnicodeDecodeError:
        pass
    try:
        return python_codec(declared), detail
    except LookupError:
        return "cp1252", detail


def _tree(body: str) -> ET.Element:
    builder = TreeBuilder()
    try:
        builder.feed(body)
        root = builder.close()
    except (ParseError, ET.ParseError, AssertionError, IndexError) as error:
        raise FileRefused(f"The OFX file cannot be read: {error}") from error
    if not isinstance(root, ET.Element) or root.tag != "OFX":
        raise FileRefused("The file has no <OFX> element: it is not an OFX file.")
    return root


def _only_statement(root: ET.Element) -> ET.Element:
    statements = [el for tag in _STATEMENTS for el in root.iter(tag)]
    if not statements:
        if next(root.iter("INVSTMTRS"), None) is not None:
            raise FileRefused("Investment statements are not imported: export the bank account.")
        raise FileRefused("The OFX file holds no bank or credit-card statement.")
    if len(statements) > 1:
        raise FileRefused(
            f"The OFX file holds {len(statements)} account statements: export one account "
            "at a time."
        )
    return statements[0]


def _check_currency(statement: ET.Element, currency: str) -> None:
    declared = (statement.findtext("CURDEF") or "").strip().upper()
    if declared and declared != currency:
        raise FileRefused(f"The statement is in {declared} but the account is in {currency}.")


def _transactions(statement: ET.Element, currency: str) -> tuple[list[ImportRow], list[RowError]]:
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    for number, element in enumerate(statement.iter("STMTTRN"), start=1):
        try:
            rows.append(_row(number, element, currency))
        except (ValueError, TypeError) as error:
            errors.append(RowError(number, f"Transaction {number}: {error}"))
    return rows, errors


def _row(number: int, element: ET.Element, currency: str) -> ImportRow:
    # Entities unescaped once, as ofxtools does for the values ("&amp;lt;" stays "&lt;").
    raw = {tag: unescape(text) for tag in _RAW_FIELDS if (text := _leaf(element, tag))}
    with warnings.catch_warnings():
        # Over-long NAMEs (banks ignore the 32-character limit) and private tags.
        warnings.simplefilter("ignore")
        trn = Aggregate.from_etree(element)
    if not isinstance(trn, STMTTRN):
        raise TypeError(f"<{element.tag}> is not a statement transaction.")
    try:
        amount = decimal_to_minor(trn.trnamt, currency)
    except AmountError as error:
        raise ValueError(str(error)) from error
    payee = trn.name or (trn.payee.name if trn.payee is not None else None)
    return ImportRow(
        line=number,
        # The date as the bank wrote it: converting to UTC could move it a day.
        booking_date=_date(raw.get("DTPOSTED", "")) or trn.dtposted.date(),
        amount_minor=amount,
        source=FileFormat.OFX,
        payee=_text(payee),
        memo=_text(trn.memo),
        fitid=_text(trn.fitid),
        check_number=_text(trn.checknum),
        raw=raw,
    )


def _statement_info(statement: ET.Element, currency: str) -> StatementInfo:
    account = statement.find("BANKACCTFROM")
    if account is None:
        account = statement.find("CCACCTFROM")
    ledger = statement.find("LEDGERBAL")
    tranlist = statement.find("BANKTRANLIST")
    return StatementInfo(
        account_id=_leaf(account, "ACCTID"),
        bank_id=_leaf(account, "BANKID"),
        currency=currency,
        start=_date(_leaf(tranlist, "DTSTART")),
        end=_date(_leaf(tranlist, "DTEND")),
        ledger_balance_minor=_balance(_leaf(ledger, "BALAMT"), currency),
        ledger_date=_date(_leaf(ledger, "DTASOF")),
    )


def _leaf(parent: ET.Element | None, tag: str) -> str | None:
    if parent is None:
        return None
    return _text(parent.findtext(tag))


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _date(value: str | None) -> date | None:
    if not value or not value[:8].isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return None


def _balance(value: str | None, currency: str) -> int | None:
    if value is None:
        return None
    try:
        return decimal_to_minor(Decimal(value), currency)
    except (InvalidOperation, AmountError):
        return None
