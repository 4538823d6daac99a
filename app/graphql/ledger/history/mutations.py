"""`exportHistory`: a short-lived download link of an account's history as CSV (viewer)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.graphql.ledger.history.types import TransactionFilter
from app.graphql.mutations import Caller, Payload, UserError, mutation_field
from app.graphql.relay import decode_id
from app.services.ledger.exports import ExportHistory, ExportLink

EXPORT_PATH = "/exports/history/{token}.csv"


@strawberry.input
class ExportHistoryInput:
    account_id: strawberry.ID
    filter: TransactionFilter | None = strawberry.field(
        default=None, description="The entries to export, as `account.transactions(filter:)`."
    )

    def to_command(self) -> ExportHistory:
        return ExportHistory(
            account_id=decode_id(self.account_id, "Account", "accountId"),
            filter=TransactionFilter.to_filter(self.filter),
        )


@strawberry.type(description="Where to download the export, for a minute.")
class ExportHistoryPayload(Payload):
    url: str | None = strawberry.field(
        default=None,
        description="A path on this API (`/exports/history/….csv`) that sends the CSV file to "
        "whoever has it, until `expiresAt`: follow it, do not store it.",
    )
    expires_at: datetime | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: ExportLink, caller: Caller) -> ExportHistoryPayload:
        return cls(url=EXPORT_PATH.format(token=result.token), expires_at=result.expires_at)


@strawberry.type
class HistoryMutation:
    export_history = mutation_field(
        "A link to download the account's entries matching the filter as a CSV file, newest "
        "first, valid for 60 seconds. The filter is checked as by `account.transactions`.",
        ExportHistoryInput,
        ExportHistoryPayload,
        lambda services: services.exports.link,
    )
