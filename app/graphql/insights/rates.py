"""Exchange rates and the base currency: the type, the queries and the changes."""

from __future__ import annotations

from datetime import date

import strawberry

from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.graphql.context import Info
from app.graphql.mutations import Caller, Payload, UserError, mutation_field
from app.graphql.relay import Node, decode_id, to_global_id
from app.graphql.scalars import Decimal
from app.persistence.documents.exchange import ExchangeRateDocument
from app.services.insights.exchange_rates import ChangeRate, RateRef, RecordRate

RATE_HELP = (
    'How many units of `to` one unit of `from` is worth ("1.0825"): positive, at most 10 decimals.'
)


@strawberry.type(
    description="A rate your household recorded: from its date on (until a later one), one "
    "unit of `from` is `rate` units of `to`. Used for totals in your base currency; a rate "
    "recorded only the other way round is used inverted."
)
class ExchangeRate(Node):
    from_: str = strawberry.field(name="from", description="ISO 4217 code.")
    to: str = strawberry.field(description="ISO 4217 code.")
    date: date
    rate: Decimal

    @classmethod
    def from_document(cls, rate: ExchangeRateDocument) -> ExchangeRate:
        return cls(
            id=to_global_id("ExchangeRate", rate.id),
            from_=rate.source,
            to=rate.target,
            date=rate.day.date(),
            rate=Decimal(rate.rate),
        )


async def load_exchange_rate(info: Info, rate_id: ObjectId) -> Node | None:
    rates = info.context.services.exchange_rates

    async def read(viewer: Viewer) -> ExchangeRate:
        return ExchangeRate.from_document(await rates.visible(viewer, rate_id))

    return await info.context.visible(read)


@strawberry.type
class ExchangeRateQuery:
    @strawberry.field(description="Your household's exchange rates, by pair and date.")
    async def exchange_rates(self, info: Info) -> list[ExchangeRate]:
        viewer = await info.context.viewer()
        found = await info.context.services.exchange_rates.rates(viewer)
        return [ExchangeRate.from_document(rate) for rate in found]

    @strawberry.field(
        description="The currency your dashboard shows totals in: as you set it, else the "
        "currency of your first account (EUR without one)."
    )
    async def base_currency(self, info: Info) -> str:
        viewer = await info.context.viewer()
        return await info.context.services.exchange_rates.base_currency(viewer)


@strawberry.input
class RecordExchangeRateInput:
    from_: str = strawberry.field(name="from", description="ISO 4217 code.")
    to: str = strawberry.field(description="ISO 4217 code, not `from`.")
    date: date = strawberry.field(description="From this day on (until a later rate).")
    rate: Decimal = strawberry.field(description=RATE_HELP)

    def to_command(self) -> RecordRate:
        return RecordRate(self.from_, self.to, self.date, self.rate)


@strawberry.input
class UpdateExchangeRateInput:
    id: strawberry.ID
    date: date
    rate: Decimal = strawberry.field(description=RATE_HELP)

    def to_command(self) -> ChangeRate:
        return ChangeRate(decode_id(self.id, "ExchangeRate", "id"), self.date, self.rate)


@strawberry.input
class DeleteExchangeRateInput:
    id: strawberry.ID

    def to_command(self) -> RateRef:
        return RateRef(decode_id(self.id, "ExchangeRate", "id"))


@strawberry.input
class SetBaseCurrencyInput:
    currency: str = strawberry.field(description="ISO 4217 code.")

    def to_command(self) -> str:
        return self.currency


@strawberry.type
class ExchangeRatePayload(Payload):
    exchange_rate: ExchangeRate | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, rate: ExchangeRateDocument, caller: Caller) -> ExchangeRatePayload:
        return cls(exchange_rate=ExchangeRate.from_document(rate))


@strawberry.type
class DeleteExchangeRatePayload(Payload):
    deleted_exchange_rate_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, rate_id: object, caller: Caller) -> DeleteExchangeRatePayload:
        return cls(deleted_exchange_rate_id=to_global_id("ExchangeRate", rate_id))


@strawberry.type
class SetBaseCurrencyPayload(Payload):
    base_currency: str | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, currency: str, caller: Caller) -> SetBaseCurrencyPayload:
        return cls(base_currency=currency)


@strawberry.type
class ExchangeRateMutation:
    record_exchange_rate = mutation_field(
        "Record your household's rate of a currency pair on a date (replacing the pair's rate "
        "on that date, if any); VALIDATION for unknown or equal currencies and bad rates.",
        RecordExchangeRateInput,
        ExchangeRatePayload,
        lambda services: services.exchange_rates.record,
    )
    update_exchange_rate = mutation_field(
        "Change one of your rates' date and value; CONFLICT when the pair has a rate on that "
        "date already, NOT_FOUND for a rate that is not yours.",
        UpdateExchangeRateInput,
        ExchangeRatePayload,
        lambda services: services.exchange_rates.change,
    )
    delete_exchange_rate = mutation_field(
        "Delete one of your rates; NOT_FOUND for a rate that is not yours.",
        DeleteExchangeRateInput,
        DeleteExchangeRatePayload,
        lambda services: services.exchange_rates.delete,
    )
    set_base_currency = mutation_field(
        "Choose the currency your dashboard shows totals in.",
        SetBaseCurrencyInput,
        SetBaseCurrencyPayload,
        lambda services: services.exchange_rates.set_base_currency,
    )
