"""Rules applied to existing entries ("apply to existing entries"), with a dry run.

The account's income and expenses not undone, newest first, at most `MAX_EXAMINED` per run
(`has_more` says when there were more: narrow the dates), optionally only those whose money
is all in Available now (`only_uncategorised`, the default), are run through the categoriser
(the owner's rules, then the learned model). An entry whose proposed envelopes differ from
its current ones is a change. A dry run lists the changes; otherwise each change is recorded
as a correction (`corrections.correct`), in batches of `BATCH` entries, each batch one
transaction that reads the entries and the rules again under the account's lock. An entry a
batch cannot correct (its envelope archived since, not enough money where the account allows
no overdraft) is reported with the refusal and left as it is; the rest of the batch goes on.

Only envelopes change: payees and tags that rules would set are not written into existing
entries, which are never edited. Reading needs the viewer role; recording needs editor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from app.core.errors import AppError, NotFoundError, ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain.conditions import Transaction as Row
from app.domain.corrections import allocation, signed_target
from app.domain.envelopes import Line
from app.domain.members import Permission, require
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.entries import TransactionRecord
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.entries import EntryRepository
from app.persistence.transactions import Session, transactional
from app.persistence.unit_of_work import UnitOfWork
from app.services.categorisation.proposals import Proposal, Suggester
from app.services.categorisation.rule_book import categoriser
from app.services.ledger.commands import ApplyRules
from app.services.ledger.corrections import correct, lines_of

MAX_EXAMINED = 500
BATCH = 50


@dataclass(frozen=True)
class RuleChange:
    """One entry the rules would recategorise (or did): its proposed lines and why."""

    entry: TransactionRecord
    lines: list[Line]
    explanation: str
    correction: TransactionRecord | None = None
    refusal: AppError | None = None


@dataclass
class RuleRun:
    account: AccountRecord
    dry_run: bool
    examined: int
    has_more: bool
    changes: list[RuleChange] = field(default_factory=list)


def _day(day: date | None) -> datetime | None:
    return None if day is None else datetime(day.year, day.month, day.day, tzinfo=UTC)


class RuleRuns:
    def __init__(self, uow: UnitOfWork, accounts: AccountRepository, suggester: Suggester) -> None:
        self.uow = uow
        self.accounts = accounts
        self.suggester = suggester

    async def run(self, viewer: Viewer, command: ApplyRules) -> RuleRun:
        if command.since and command.until and command.since > command.until:
            raise ValidationError("since is after until.", field=["since"])
        account = await self.accounts.for_member(command.account_id, viewer.user_id)
        if account is None:
            raise NotFoundError("No such account.", field=["accountId"])
        if not command.dry_run:
            require(account.role_of(viewer.user_id), Permission.RECORD)
        found = await EntryRepository().to_recategorise(
            account.id, _day(command.since), _day(command.until), MAX_EXAMINED + 1
        )
        run = RuleRun(account, command.dry_run, min(len(found), MAX_EXAMINED),
                      len(found) > MAX_EXAMINED)  # fmt: skip
        changes = await self._changes(account, found[:MAX_EXAMINED], command, None)
        if command.dry_run:
            run.changes = changes
            return run
        ids = [change.entry.id for change in changes]
        for start in range(0, len(ids), BATCH):
            account, done = await self._commit(viewer, command, ids[start : start + BATCH])
            run.changes += done
        run.account = account
        return run

    async def _changes(
        self,
        account: AccountRecord,
        entries: Sequence[TransactionRecord],
        command: ApplyRules,
        session: Session | None,
    ) -> list[RuleChange]:
        standing: dict[object, list[TransactionRecord]] = {}
        corrected = [e.id for e in entries if e.corrected_by is not None]
        if corrected:
            for c in await EntryRepository(session).corrections_of(corrected):
                standing.setdefault(c.corrects, []).append(c)
        available = account.available().id
        candidates: list[tuple[TransactionRecord, dict[object, int]]] = []
        for entry in entries:
            now = allocation(lines_of([entry, *standing.get(entry.id, [])]))
            if command.only_uncategorised and set(now) != {available}:
                continue
            candidates.append((entry, now))
        rows = [Row(account.id, e.amount, e.payee, e.memo, tuple(e.tags)) for e, _ in candidates]
        proposals = await categoriser(self.suggester, session).propose(account, rows)
        return [
            RuleChange(entry, lines, proposal.explanation)
            for (entry, now), proposal in zip(candidates, proposals, strict=True)
            if (lines := _proposed(entry, proposal)) and allocation(lines) != now
        ]

    @transactional
    async def _commit(
        self, viewer: Viewer, command: ApplyRules, ids: list[ObjectId]
    ) -> tuple[AccountRecord, list[RuleChange]]:
        async with self.uow.begin(viewer) as tx:
            account = await tx.lock(command.account_id, Permission.RECORD)
            found = await tx.entries.in_change(ids)
            entries = [found[i] for i in ids if i in found and found[i].reversed_by is None]
            changes = await self._changes(account.document, entries, command, tx.session)
            done: list[RuleChange] = []
            for change in changes:
                standing = await tx.entries.live_corrections(change.entry.id)
                try:
                    entry = correct(account, change.entry, standing, change.lines)
                except AppError as refusal:
                    done.append(RuleChange(change.entry, change.lines, change.explanation,
                                           refusal=refusal))  # fmt: skip
                    continue
                rev = account.document.version
                await tx.entries.mark_corrected(change.entry.id, entry.id, rev)
                done.append(RuleChange(change.entry, change.lines, change.explanation, entry))
            outcome = await tx.commit()
            return outcome.accounts[0], done


def _proposed(entry: TransactionRecord, proposal: Proposal) -> list[Line]:
    portions = [(p.envelope_id, p.amount) for p in proposal.allocation]
    return signed_target(portions, entry.amount) if portions else []
