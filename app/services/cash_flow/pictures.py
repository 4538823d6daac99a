"""The cash-flow picture of a period, computed from the ledger (see `app.domain.sankey`).

It covers the accounts the caller is a member of (closed ones too: their past counts) in the
currency asked for; accounts in other currencies are left out and listed (`excluded`), and a
transfer with one of them comes from "Transfers in" or goes to "Transfers out". The period is
of booking dates, both ends included, at most `MAX_DAYS` long. The sums are one aggregation
over the period's entries (`app.persistence.repositories.cash_flow`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from app.core.errors import ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain.money import check_currency
from app.domain.sankey import Income, Sankey, Spending, Transfer, cash_flow, check_top
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.base import stored_day
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.cash_flow import CashFlowSums, FlowSums

MAX_DAYS = 3660
DEFAULT_TOP_PAYEES = 8


@dataclass(frozen=True)
class CashFlowQuery:
    start: date
    end: date  # included
    currency: str
    top_payees: int = DEFAULT_TOP_PAYEES


@dataclass(frozen=True)
class CashFlowPicture:
    start: date
    end: date
    currency: str
    sankey: Sankey
    accounts: list[AccountRecord]  # the picture's
    excluded: list[AccountRecord]  # the caller's accounts in other currencies


def account_key(account_id: ObjectId) -> str:
    return f"account:{account_id}"


def envelope_key(envelope_id: ObjectId) -> str:
    return f"envelope:{envelope_id}"


def check_period(start: date, end: date) -> None:
    if end < start:
        raise ValidationError("The period ends before it starts.", field=["to"])
    if (end - start).days >= MAX_DAYS:
        raise ValidationError(f"A period is at most {MAX_DAYS} days.", field=["to"])


class CashFlowPictures:
    def __init__(self, accounts: AccountRepository, sums: CashFlowSums) -> None:
        self.accounts = accounts
        self.sums = sums

    async def picture(
        self,
        viewer: Viewer,
        query: CashFlowQuery,
        include: Callable[[AccountRecord], bool] = lambda account: True,
    ) -> CashFlowPicture:
        """The caller's picture of the period (of the accounts `include` keeps)."""
        check_period(query.start, query.end)
        top = check_top(query.top_payees)
        currency = check_currency(query.currency)
        visible = [
            account
            for account in await self.accounts.of_member(viewer.user_id, include_closed=True)
            if include(account)
        ]
        shown = [account for account in visible if account.currency == currency]
        end = stored_day(query.end + timedelta(days=1))
        sums = await self.sums.of_period([a.id for a in shown], stored_day(query.start), end)
        sankey = _sankey(shown, sums, top)
        excluded = [account for account in visible if account.currency != currency]
        return CashFlowPicture(query.start, query.end, currency, sankey, shown, excluded)


def _envelope_labels(accounts: list[AccountRecord]) -> dict[ObjectId, str]:
    """Envelope names; a name found in several accounts also names the account."""
    names = Counter(e.name for a in accounts for e in a.envelopes if not e.deleted)
    return {
        e.id: e.name if names[e.name] < 2 else f"{e.name} ({a.name})"
        for a in accounts
        for e in a.envelopes
    }


def _sankey(accounts: list[AccountRecord], sums: FlowSums, top: int) -> Sankey:
    labels = _envelope_labels(accounts)
    return cash_flow(
        accounts={account_key(a.id): a.name for a in accounts},
        income=[Income(account_key(a), payee, amount) for a, payee, amount in sums.income],
        spending=[
            Spending(account_key(a), envelope_key(e), labels.get(e, "Envelope"), payee, amount)
            for a, e, payee, amount in sums.spending
        ],
        transfers=[
            Transfer(account_key(a), None if c is None else account_key(c), amount)
            for a, c, amount in sums.transfers
        ],
        top=top,
    )
