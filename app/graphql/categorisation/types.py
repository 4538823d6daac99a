"""The household's categorisation settings and a learned suggestion, as the API shows them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from app.domain.envelope_model import Example, format_threshold
from app.graphql.ledger.envelopes.types import Envelope
from app.graphql.scalars import Decimal
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.entries import TransactionRecord
from app.services.categorisation.learned import LearnedCategories
from app.services.categorisation.settings import CategorisationSettings as Settings

Asked = tuple[AccountRecord, TransactionRecord]


@strawberry.type(
    description="How the learned model files your household's entries (the accounts you own)."
)
class CategorisationSettings:
    threshold: Decimal | None = strawberry.field(
        description='The confidence, in percent ("90"), from which the model\'s suggestion is '
        "applied by itself to imported entries; null: suggestions are only shown (the default)."
    )
    learned_from: int | None = strawberry.field(
        description="How many of your entries the model learned from; null while there is no "
        "model (too little history, or it is being trained)."
    )

    @classmethod
    def from_settings(cls, settings: Settings) -> CategorisationSettings:
        threshold = settings.threshold
        return cls(
            threshold=None if threshold is None else Decimal(format_threshold(threshold)),
            learned_from=settings.learned_from,
        )


@strawberry.type(description="The envelope the household's learned model would choose.")
class LearnedSuggestion:
    envelope: Envelope
    confidence: float = strawberry.field(
        description="How sure the model is, from 0 to 1 (its probability for this envelope)."
    )


class Suggestions:
    """The suggestions one request asks for, predicted together per account: the model's
    fixed cost per call (about 2 ms) is paid once per page of entries, not once per entry."""

    def __init__(self, models: LearnedCategories) -> None:
        self.models = models
        self.loader: DataLoader[Asked, LearnedSuggestion | None] = DataLoader(
            load_fn=self._load, cache=False
        )

    @classmethod
    def of(cls, context: Any, models: LearnedCategories) -> Suggestions:
        """The request's batcher, made on first use."""
        found: Suggestions | None = getattr(context, "learned_suggestions", None)
        if found is None:
            found = cls(models)
            context.learned_suggestions = found
        return found

    async def _load(self, asked: Sequence[Asked]) -> list[LearnedSuggestion | None]:
        by_account: defaultdict[object, list[int]] = defaultdict(list)
        for i, (account, _) in enumerate(asked):
            by_account[account.id].append(i)
        found: list[LearnedSuggestion | None] = [None] * len(asked)
        for indexes in by_account.values():
            account = asked[indexes[0]][0]
            examples = [_example(asked[i][1]) for i in indexes]
            for i, predicted in zip(indexes, self.models.predict(account, examples), strict=True):
                record = None if predicted is None else account.envelope(predicted[0])
                if predicted is not None and record is not None:
                    envelope = Envelope.from_record(record, account.currency)
                    found[i] = LearnedSuggestion(envelope=envelope, confidence=predicted[1])
        return found


def _example(entry: TransactionRecord) -> Example:
    return Example(entry.payee, entry.memo, entry.amount, entry.booking_date.date())
