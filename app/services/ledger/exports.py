"""Export an account's history as CSV: a short-lived download link, then the file, streamed.

`link` checks what `account.transactions(filter:)` checks (the account is the caller's, the
filter is valid: the same errors) and signs a link (`ExportTokens`, 60 s) naming the caller,
their login, the account and the filter. `open` takes the link back: expired, tampered, the
login ended or the caller no longer a member are refused before a byte is written. The file
is read in keyset pages of `PAGE_SIZE` through the history's own query and written page by
page, so memory stays the same for ten entries or a million.

The file (UTF-8 with a BOM, so spreadsheet programs read it as UTF-8; RFC 4180 quoting; one
row per entry, newest booking date first like the history) has the columns of `HEADER`:
amounts are decimal strings with "." and no thousands separator; `envelopes` lists the
entry's signed envelope changes as "Food: -12.50; Rent: -100.00"; `undone by` and `reverses`
name entries by their sequence number. Text a spreadsheet would take for a formula (a cell
starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe; amounts are
numbers and are written as they are.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator, Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from app.core.clock import today, utcnow
from app.core.errors import AppError, NotFoundError, UnauthenticatedError
from app.core.ids import ObjectId, parse_object_id
from app.core.viewer import Viewer
from app.domain.money import format_amount
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.entries import TransactionRecord
from app.persistence.keyset import PageRequest
from app.services.auth import AuthService
from app.services.ledger.accounts import AccountService
from app.services.ledger.history import HistoryFilter, HistoryService, entry_query
from app.services.tokens import ExportClaims, ExportTokens

PAGE_SIZE = 500
LINK_SECONDS = 60
BOM = "\ufeff"
HEADER = [
    "date",
    "sequence",
    "kind",
    "payee",
    "memo",
    "tags",
    "envelopes",
    "amount",
    "currency",
    "balance",
    "cleared",
    "recorded by",
    "undone by",
    "reverses",
]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


@dataclass(frozen=True)
class ExportHistory:
    account_id: ObjectId
    filter: HistoryFilter


@dataclass(frozen=True)
class ExportLink:
    token: str
    expires_at: datetime


def filter_claims(spec: HistoryFilter) -> dict[str, Any]:
    """The filter as JSON, for the link (only the conditions given)."""
    claims: dict[str, Any] = {}
    for name, value in asdict(spec).items():
        if value is None or value == ():
            continue
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, ObjectId):
            value = str(value)
        elif isinstance(value, tuple):
            value = list(value)
        claims[name] = value
    return claims


def filter_from_claims(claims: dict[str, Any]) -> HistoryFilter:
    """The filter back from a link we signed; anything else is an invalid link."""
    try:
        values: dict[str, Any] = dict(claims)
        for name in ("date_from", "date_to"):
            if name in values:
                values[name] = date.fromisoformat(values[name])
        if "envelope_id" in values:
            values["envelope_id"] = parse_object_id(values["envelope_id"])
            if values["envelope_id"] is None:
                raise ValueError("envelope_id")
        for name in ("kinds", "cleared"):
            if name in values:
                values[name] = tuple(str(v) for v in values[name])
        return HistoryFilter(**values)
    except (TypeError, ValueError):
        raise UnauthenticatedError("Invalid download link.") from None


def safe_cell(text: str) -> str:
    """Text as a spreadsheet shows it rather than evaluates it (CSV formula injection)."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def file_name(account_name: str, day: date) -> str:
    """`<account name>-history-<date>.csv`, with nothing a file system or a header minds."""
    name = _UNSAFE_IN_NAME.sub("-", account_name).strip(" .-") or "account"
    return f"{name}-history-{day.isoformat()}.csv"


class HistoryCsv:
    """One export, ready to stream (see the module docstring)."""

    def __init__(
        self, history: HistoryService, account: AccountRecord, spec: HistoryFilter
    ) -> None:
        self.history = history
        self.account = account
        self.spec = spec
        self.file_name = file_name(account.name, today())
        self._names: dict[ObjectId, str] = {}  # who recorded: the account's members, mostly

    async def chunks(self, page_size: int = PAGE_SIZE) -> AsyncIterator[bytes]:
        """The file: the BOM and header, then one chunk per page of entries."""
        yield self._text([HEADER], prefix=BOM)
        request = PageRequest(first=page_size)
        while True:
            page = await self.history.page(self.account, self.spec, request, page_size)
            if page.items:
                yield self._text(await self._rows(page.items))
            if not page.has_next_page:
                return
            request = PageRequest(first=page_size, after=page.cursors[-1])

    @staticmethod
    def _text(rows: Iterable[list[str]], prefix: str = "") -> bytes:
        out = io.StringIO()
        out.write(prefix)
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        return out.getvalue().encode("utf-8")

    async def _rows(self, entries: list[TransactionRecord]) -> list[list[str]]:
        await self._load_names(entries)
        linked = [e.reverses or e.reversed_by for e in entries]
        others = await self.history.entries_by_id(x for x in linked if x is not None)
        sequences = {entry_id: str(entry.seq) for entry_id, entry in others.items()}
        return [self._row(entry, sequences) for entry in entries]

    async def _load_names(self, entries: list[TransactionRecord]) -> None:
        missing = {e.recorded_by for e in entries} - self._names.keys()
        if missing:
            found = await self.history.profiles(list(missing))
            for user_id in missing:
                profile = found.get(user_id)
                self._names[user_id] = profile.display_name if profile else ""

    def _row(self, entry: TransactionRecord, sequences: dict[ObjectId, str]) -> list[str]:
        currency, lines = entry.currency, entry.lines
        return [
            entry.booking_date.date().isoformat(),
            str(entry.seq),
            entry.kind.value,
            safe_cell(entry.payee or ""),
            safe_cell(entry.memo or ""),
            safe_cell(";".join(entry.tags)),
            safe_cell(
                "; ".join(self._line(line.envelope_id, line.amount, currency) for line in lines)
            ),
            format_amount(entry.amount, currency),
            currency,
            format_amount(entry.balance_after, currency),
            entry.cleared.value,
            safe_cell(self._names.get(entry.recorded_by, "")),
            sequences.get(entry.reversed_by, "") if entry.reversed_by else "",
            sequences.get(entry.reverses, "") if entry.reverses else "",
        ]

    def _line(self, envelope_id: ObjectId, amount: int, currency: str) -> str:
        envelope = self.account.envelope(envelope_id)
        name = envelope.name if envelope else "?"
        return f"{name}: {format_amount(amount, currency)}"


class HistoryExports:
    """History exports: the link (a mutation, viewer role) and the file (the link's GET)."""

    def __init__(
        self,
        auth: AuthService,
        accounts: AccountService,
        history: HistoryService,
        tokens: ExportTokens,
    ) -> None:
        self.auth = auth
        self.accounts = accounts
        self.history = history
        self.tokens = tokens

    async def link(self, viewer: Viewer, command: ExportHistory) -> ExportLink:
        """A download link of the account's entries matching the filter; NOT_FOUND for an
        account the caller may not see, and the history's own errors for a bad filter."""
        account = await self.accounts.get(viewer, command.account_id, "accountId")
        entry_query(account, command.filter)  # validates, exactly as a history page does
        claims = ExportClaims(
            user_id=viewer.user_id,
            login_id=viewer.login_id,
            account_id=account.id,
            filter=filter_claims(command.filter),
        )
        token, expires_at = self.tokens.issue(claims, utcnow())
        return ExportLink(token, expires_at)

    async def open(self, token: str) -> HistoryCsv:
        """The export a link names. `ExpiredLinkError` when its time is up; NOT_FOUND when it
        is not one of ours, its login has ended, or its user may no longer see the account."""
        claims = self.tokens.decode(token)
        spec = filter_from_claims(claims.filter)
        viewer = Viewer(claims.user_id, claims.login_id)
        try:
            await self.auth.confirm(viewer)
            account = await self.accounts.get(viewer, claims.account_id)
            entry_query(account, spec)
        except AppError as error:
            if error.code in ("UNAVAILABLE", "TIMEOUT"):
                raise
            raise NotFoundError("No such export.") from None
        return HistoryCsv(self.history, account, spec)
