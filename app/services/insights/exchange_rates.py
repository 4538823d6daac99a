"""Recording a household's exchange rates and choosing its base currency.

Whose: a household is an owner and the accounts they own (as for rules and categorisation
settings), so rates and the base currency are the caller's own; a member of someone else's
account converts that account with their own rates, and nobody reads or changes another's
(another user's rate id is NOT_FOUND, like one that does not exist). Rates are recorded by
pair and day: recording the pair again on that day replaces the rate. The base currency
defaults to the currency of the caller's first account (EUR without one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core import clock
from app.core.errors import NotFoundError, ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain.cadences import check_day
from app.domain.exchange import Rate, format_rate, parse_rate
from app.domain.money import check_currency
from app.persistence.documents.base import stored_day
from app.persistence.documents.exchange import ExchangeRateDocument
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.exchange_rates import MAX_RATES, ExchangeRateRepository

DEFAULT_BASE = "EUR"
NO_RATE = "No such exchange rate."


@dataclass(frozen=True)
class RecordRate:
    source: str
    target: str
    day: date
    rate: str


@dataclass(frozen=True)
class ChangeRate:
    rate_id: ObjectId
    day: date
    rate: str


@dataclass(frozen=True)
class RateRef:
    rate_id: ObjectId


def as_rate(document: ExchangeRateDocument) -> Rate:
    return Rate(document.source, document.target, document.day.date(), parse_rate(document.rate))


class ExchangeRateService:
    def __init__(self, repository: ExchangeRateRepository, accounts: AccountRepository) -> None:
        self.repository, self.accounts = repository, accounts

    async def rates(self, viewer: Viewer) -> list[ExchangeRateDocument]:
        """The caller's rates, by pair and day."""
        return await self.repository.of_owner(viewer.user_id)

    async def domain_rates(self, viewer: Viewer) -> list[Rate]:
        return [as_rate(r) for r in await self.rates(viewer)]

    async def record(self, viewer: Viewer, command: RecordRate) -> ExchangeRateDocument:
        """Record (or replace) the rate of a pair on a day; VALIDATION for unknown or equal
        currencies, a bad rate or day, and past `MAX_RATES` rates."""
        source = check_currency(command.source, "from")
        target = check_currency(command.target, "to")
        if source == target:
            raise ValidationError("A rate converts between two different currencies.", field=["to"])
        rate = format_rate(parse_rate(command.rate))
        day = stored_day(check_day(command.day, ["date"]))
        if await self.repository.count(viewer.user_id) >= MAX_RATES:
            raise ValidationError(f"At most {MAX_RATES} exchange rates.", field=["date"])
        return await self.repository.put(
            viewer.user_id, (source, target), day, rate, clock.utcnow()
        )

    async def change(self, viewer: Viewer, command: ChangeRate) -> ExchangeRateDocument:
        """Change a rate's day and value; CONFLICT when its pair has a rate on that day."""
        rate = format_rate(parse_rate(command.rate))
        day = stored_day(check_day(command.day, ["date"]))
        found = await self.repository.replace(
            viewer.user_id, command.rate_id, day, rate, clock.utcnow()
        )
        if found is None:
            raise NotFoundError(NO_RATE, field=["id"])
        return found

    async def delete(self, viewer: Viewer, command: RateRef) -> ObjectId:
        if not await self.repository.delete(viewer.user_id, command.rate_id):
            raise NotFoundError(NO_RATE, field=["id"])
        return command.rate_id

    async def visible(self, viewer: Viewer, rate_id: ObjectId) -> ExchangeRateDocument:
        found = await self.repository.get(viewer.user_id, rate_id)
        if found is None:
            raise NotFoundError(NO_RATE, field=["id"])
        return found

    async def base_currency(self, viewer: Viewer) -> str:
        """The caller's base currency: as set, else their first account's, else EUR."""
        chosen = await self.repository.base_currency(viewer.user_id)
        if chosen is not None:
            return chosen
        accounts = await self.accounts.of_member(viewer.user_id, include_closed=False)
        return accounts[0].currency if accounts else DEFAULT_BASE

    async def set_base_currency(self, viewer: Viewer, currency: str) -> str:
        code = check_currency(currency, "currency")
        await self.repository.set_base_currency(viewer.user_id, code, clock.utcnow())
        return code
