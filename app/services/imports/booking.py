"""One batch of an import: what each row is (new, a duplicate, or a match of an entry typed by
hand) and, for a commit, its booking — in ONE transaction with the job's progress.

A row is a DUPLICATE when its import id is in the account already (imported before, or a
hand-typed entry it matched before) or earlier in the same batch; MATCHED when a hand-typed
entry of the same amount, a date at most 3 days away and a similar payee stands for it
(`app.domain.matching`): that entry takes the row's import id, becomes cleared and waits for
review, and nothing new is booked; NEW otherwise: an income or an expense of the envelope(s)
the categoriser proposes, or of Available (flagged for review) when it proposes none.

Imported rows are facts from the bank: they are booked even when an envelope (Available
included) goes below zero (`Ledger.book`), and they are cleared (the bank has them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import cast

from app.core.ids import ObjectId
from app.domain.conditions import Transaction
from app.domain.entries import ClearedStatus, EntryDetails, EntryKind
from app.domain.envelopes import Line
from app.domain.matching import DEFAULT_WINDOW, ImportedRow, ManualEntry, Match, match_rows
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.base import stored_day
from app.persistence.documents.entries import TransactionRecord
from app.persistence.documents.imports import (
    MAX_PREVIEW_ROWS,
    ImportRowDocument,
    PortionRecord,
    RowErrorRecord,
)
from app.persistence.locked_account import LockedAccount
from app.persistence.repositories.imports import ImportEntries
from app.services.categorisation.proposals import Categoriser, Proposal
from app.services.imports.formats import ImportRow, RowError
from app.services.imports.reading import Item

NEW, DUPLICATE, MATCHED = "new", "duplicate", "matched"


@dataclass
class Verdict:
    """What one row of a batch is."""

    item: Item
    row: ImportRow
    status: str
    proposal: Proposal | None = None
    match: Match | None = None
    entry: TransactionRecord | None = None  # the hand-typed entry matched


@dataclass
class BatchResult:
    verdicts: list[Verdict] = field(default_factory=list)
    errors: list[RowErrorRecord] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        statuses = [v.status for v in self.verdicts]
        flagged = sum(
            v.status == NEW and v.proposal is not None and not v.proposal.allocation
            for v in self.verdicts
        )
        return {
            "rows": len(statuses),
            "new": statuses.count(NEW),
            "duplicates": statuses.count(DUPLICATE),
            "matched": statuses.count(MATCHED),
            "flagged": flagged,
            "errors": len(self.errors),
        }


async def judge(
    items: Sequence[Item],
    account: AccountRecord,
    entries: ImportEntries,
    categoriser: Categoriser,
    taken: set[ObjectId] | None = None,
) -> BatchResult:
    """Each item's verdict, against the ledger as `entries` reads it. `taken`: hand-typed
    entries matched by earlier batches of a dry run (which books nothing), left out."""
    result = BatchResult()
    rows: list[tuple[Item, ImportRow]] = []
    for item in items:
        if isinstance(item.row, RowError):
            result.errors.append(RowErrorRecord(line=item.row.line, reason=item.row.reason))
        else:
            rows.append((item, item.row))
    booked = await entries.booked(account.id, [item.import_id or "" for item, _ in rows])
    fresh: list[Verdict] = []
    for item, row in rows:
        status = DUPLICATE if item.import_id in booked else NEW
        booked.add(item.import_id or "")
        verdict = Verdict(item, row, status)
        result.verdicts.append(verdict)
        if status == NEW:
            fresh.append(verdict)
    await _match(fresh, account, entries, taken or set())
    unmatched = [v for v in fresh if v.status == NEW]
    proposals = await categoriser.propose(
        account,
        [Transaction(account.id, v.row.amount_minor, v.row.payee, v.row.memo) for v in unmatched],
    )
    for verdict, proposal in zip(unmatched, proposals, strict=True):
        verdict.proposal = proposal
    return result


async def _match(
    fresh: list[Verdict], account: AccountRecord, entries: ImportEntries, taken: set[ObjectId]
) -> None:
    if not fresh:
        return
    days = {v.row.booking_date for v in fresh}
    found = await entries.hand_typed(
        account.id, [v.row.amount_minor for v in fresh], match_periods(days, DEFAULT_WINDOW)
    )
    manual = {e.id: e for e in found if e.id not in taken}
    matches = match_rows(
        [ImportedRow(i, v.row.booking_date, v.row.amount_minor, v.row.payee)
         for i, v in enumerate(fresh)],
        [ManualEntry(e.id, e.booking_date.date(), e.amount, e.payee) for e in manual.values()],
    )  # fmt: skip
    for match in matches:
        verdict, entry = fresh[cast(int, match.row)], manual[cast(ObjectId, match.entry)]
        verdict.status, verdict.match, verdict.entry = MATCHED, match, entry
        taken.add(entry.id)


def match_periods(days: set[date], window: int) -> list[tuple[datetime, datetime]]:
    """The days within `window` of any of `days`, as few disjoint periods (first to last)."""
    periods: list[list[date]] = []
    for day in sorted(days):
        low, high = day - timedelta(days=window), day + timedelta(days=window)
        if periods and low <= periods[-1][1]:
            periods[-1][1] = high
        else:
            periods.append([low, high])
    return [(stored_day(low), stored_day(high)) for low, high in periods]


async def book(result: BatchResult, account: LockedAccount, entries: ImportEntries) -> None:
    """Book a judged batch on the locked account: the new rows as entries, the matches as
    changes of their hand-typed entries (the account's `version` is their `rev`)."""
    version = account.document.version
    for verdict in result.verdicts:
        if verdict.status == MATCHED and verdict.entry is not None:
            await _confirm(verdict, account, entries, version)
        elif verdict.status == NEW and verdict.proposal is not None:
            _record(verdict, account, version)


async def _confirm(
    verdict: Verdict, account: LockedAccount, entries: ImportEntries, version: int
) -> None:
    entry = verdict.entry
    assert entry is not None  # noqa: S101 (a match names its entry)
    assert verdict.item.import_id is not None  # noqa: S101 (every row has one)
    clears = entry.cleared is ClearedStatus.UNCLEARED
    if not await entries.mark_matched(entry.id, verdict.item.import_id, version, clears):
        raise RuntimeError("a matched entry changed inside the account's lock")
    if clears:
        account.document.cleared_balance += entry.amount


def _record(verdict: Verdict, account: LockedAccount, version: int) -> None:
    row, proposal = verdict.row, verdict.proposal
    assert proposal is not None  # noqa: S101
    size, sign = abs(row.amount_minor), 1 if row.amount_minor > 0 else -1
    portions = [(p.envelope_id, p.amount) for p in proposal.allocation] or [
        (account.ledger.available.id, size)
    ]
    lines = account.ledger.book([Line(envelope, sign * amount) for envelope, amount in portions])
    entry = account.record(
        EntryKind.INCOME if sign > 0 else EntryKind.EXPENSE,
        lines,
        size=size,
        details=EntryDetails(payee=proposal.payee or row.payee, memo=row.memo, tags=proposal.tags),
        booking_date=stored_day(row.booking_date),
    )
    entry.import_id = verdict.item.import_id
    entry.needs_review = not proposal.allocation
    entry.cleared = ClearedStatus.CLEARED
    entry.rev = version
    account.document.cleared_balance += entry.amount


def preview_rows(job_id: ObjectId, result: BatchResult) -> list[ImportRowDocument]:
    """The batch's rows as a dry run keeps them to show (the file's first ones only)."""
    rows = []
    for verdict in result.verdicts:
        if verdict.item.index >= MAX_PREVIEW_ROWS:
            break
        row, proposal, match = verdict.row, verdict.proposal, verdict.match
        rows.append(
            ImportRowDocument(
                job_id=job_id,
                index=verdict.item.index,
                line=row.line,
                booking_date=stored_day(row.booking_date),
                amount=row.amount_minor,
                payee=(proposal.payee if proposal else None) or row.payee,
                memo=row.memo,
                import_id=verdict.item.import_id or "",
                status=verdict.status,
                allocation=[
                    PortionRecord(envelope_id=p.envelope_id, amount=p.amount)
                    for p in (proposal.allocation if proposal else ())
                ],
                reason=proposal.reason.value if proposal else None,
                explanation=proposal.explanation if proposal else None,
                matched_entry_id=verdict.entry.id if verdict.entry else None,
                match_reasons=list(match.reasons) if match else [],
            )
        )
    return rows
