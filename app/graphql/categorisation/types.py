"""The household's categorisation settings and a learned suggestion, as the API shows them."""

from __future__ import annotations

import strawberry

from app.domain.envelope_model import format_threshold
from app.graphql.ledger.envelopes.types import Envelope
from app.graphql.scalars import Decimal
from app.services.categorisation.settings import CategorisationSettings as Settings


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
