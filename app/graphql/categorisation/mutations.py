"""Setting the household's threshold for applying the learned model's suggestions."""

from __future__ import annotations

import strawberry

from app.graphql.categorisation.types import CategorisationSettings
from app.graphql.mutations import Caller, Payload, UserError, mutation_field
from app.graphql.scalars import Decimal
from app.services.categorisation.settings import CategorisationSettings as Settings
from app.services.categorisation.settings import SetAutoCategorise


@strawberry.input
class SetAutoCategoriseInput:
    threshold: Decimal | None = strawberry.field(
        default=None,
        description='A percent above 0 and at most 100, at most two decimals ("90", "92.5"); '
        "null (or none given) switches automatic applying off.",
    )

    def to_command(self) -> SetAutoCategorise:
        return SetAutoCategorise(threshold=self.threshold)


@strawberry.type(description="Your household's categorisation settings as they are now.")
class SetAutoCategorisePayload(Payload):
    settings: CategorisationSettings | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: Settings, caller: Caller) -> SetAutoCategorisePayload:
        return cls(settings=CategorisationSettings.from_settings(result))


@strawberry.type
class CategorisationMutation:
    set_auto_categorise = mutation_field(
        "Set the confidence from which the learned model's suggestion is applied by itself, "
        "for the accounts you own; VALIDATION for a threshold out of range.",
        SetAutoCategoriseInput,
        SetAutoCategorisePayload,
        lambda services: services.categorisation.set_auto_categorise,
    )
