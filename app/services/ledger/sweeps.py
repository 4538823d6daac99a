"""Sweeps: at the end of a budget period, the leftover of every envelope whose plan says
*sweep* goes back to Available — exactly once per account and period.

An account with a sweep plan carries `next_sweep`, the end of the period to sweep next. The
sweep of one period is one transaction under the account's lock: a `move` entry booked on
the period's last day (a line per swept envelope and Available's), and `next_sweep` moved on
to the end of the next period (or cleared when no plan sweeps any more). Two processes
sweeping the same account conflict on the lock; the one that runs again finds `next_sweep`
moved on and does nothing, so a period is never swept twice. After downtime the missed
periods are swept oldest first (the first one takes what is left; the later ones find the
envelopes empty unless money came in since).

It runs as one kind of due work of the background worker, as the account's owner.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from app.core.errors import AppError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain.budgets import Rollover, next_sweep, plan_for
from app.domain.cadences import Period
from app.domain.entries import EntryDetails, EntryKind
from app.domain.envelopes import Line
from app.domain.members import Permission
from app.persistence.documents.base import stored_day
from app.persistence.locked_account import LockedAccount
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.budget_figures import Sums
from app.persistence.transactions import transactional
from app.persistence.unit_of_work import LedgerTransaction, UnitOfWork
from app.services.ledger.budgets import sweep_histories

log = logging.getLogger("envelopes.sweeps")
SWEEP_MEMO = "Leftover swept back to Available at the end of the period"
SWEEPER_LOGIN = ObjectId("000000000000000000000005")  # the login recorded for sweeps


class Sweeps:
    name = "sweeps"

    def __init__(self, uow: UnitOfWork, accounts: AccountRepository) -> None:
        self.uow = uow
        self.accounts = accounts

    async def run_due(self, today: date, limit: int) -> int:
        """Sweep the periods ended by `today`, oldest first, at most `limit` of them."""
        done = 0
        while done < limit:
            due = await self.accounts.sweeps_due(stored_day(today), limit - done)
            progressed = False
            for account_id, owner_id in due:
                try:
                    swept = await self.sweep(account_id, owner_id, today)
                except AppError as refused:  # e.g. the owner's access is gone: stop, loudly
                    log.warning("sweeps of account %s stopped: %s", account_id, refused.message)
                    await self.accounts.stop_sweeps(account_id)
                    continue
                if swept:
                    done += 1
                    progressed = True
            if not progressed:
                break
        return done

    @transactional
    async def sweep(self, account_id: ObjectId, owner_id: ObjectId, today: date) -> bool:
        """Sweep the account's next due period, if it is still due; True when it was."""
        viewer = Viewer(owner_id, SWEEPER_LOGIN)
        async with self.uow.begin(viewer) as tx:
            account = await tx.lock(account_id, Permission.READ)
            document = account.document
            due = document.next_sweep
            if due is None or due.date() > today:
                return False  # another process swept it first
            if not document.month_totals:
                return False  # its figures are being filled in (at start-up): next pass
            cadence = document.cadence()
            # `sweep_from` is written with `next_sweep`; without it, the period that ends there.
            start = (
                document.sweep_from.date()
                if document.sweep_from is not None
                else cadence.period_of(due.date() - timedelta(days=1)).start
            )
            period = Period(start, due.date())
            if document.closed_at is None:
                await _sweep(tx, account, period)
            histories = sweep_histories(document)
            following = next_sweep(histories, cadence, cadence.period_of(period.end), today)
            if following is None or document.closed_at is not None:
                document.sweep_from = document.next_sweep = None
            else:
                document.sweep_from = stored_day(following.start)
                document.next_sweep = stored_day(following.end)
            await tx.commit()
            return True


async def _sweep(tx: LedgerTransaction, account: LockedAccount, period: Period) -> None:
    """Move to Available what each *sweep* envelope held at the period's end (at most what
    it holds now): one entry booked on the period's last day."""
    document, ledger = account.document, account.ledger
    sweeping = [
        e for e in document.live_envelopes()
        if (plan := plan_for(e.plan_history(), period)) is not None
        and plan.rollover is Rollover.SWEEP
    ]  # fmt: skip
    if not sweeping:
        return
    after = await tx.budget.after(account.id, [e.id for e in sweeping], [period.end])
    lines: list[Line] = []
    for record in sweeping:
        now = ledger.by_id[record.id].balance
        at_end = now - after[period.end].get(record.id, Sums()).total
        leftover = min(at_end, now)
        if leftover > 0:
            lines.append(Line(record.id, -leftover))
    if lines:
        total = -sum(x.amount for x in lines)
        lines.append(Line(ledger.available.id, total))
        ledger.apply(lines)
        account.record(
            EntryKind.SWEEP,
            lines,
            size=total,
            details=EntryDetails(memo=SWEEP_MEMO),
            booking_date=stored_day(period.last),
        )
