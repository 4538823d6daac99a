"""A household's categorisation settings: the threshold at which the learned model's
suggestion is applied by itself (a percent; none: suggestions are shown, never applied,
which is the default: nothing is filed without the family having said so).

A household is an owner and the accounts they own, so the settings are the caller's own:
each user sets the threshold of the accounts they own, and no one sets another's (a member
of someone else's account cannot reach that household's settings at all).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core import clock
from app.core.viewer import Viewer
from app.domain.envelope_model import parse_threshold
from app.persistence.repositories.learning import LearningRepository
from app.services.categorisation.learned import LearnedCategories


@dataclass(frozen=True)
class SetAutoCategorise:
    threshold: str | None  # a percent as a decimal string; None: switch off


@dataclass(frozen=True)
class CategorisationSettings:
    threshold: int | None  # hundredths of a percent
    learned_from: int | None  # the examples of the model at hand; None: none yet


class CategorisationSettingsService:
    def __init__(self, repository: LearningRepository, models: LearnedCategories) -> None:
        self.repository, self.models = repository, models

    async def settings(self, viewer: Viewer) -> CategorisationSettings:
        """The caller's household's settings, and what its model learned from."""
        threshold = await self.repository.threshold(viewer.user_id)
        return CategorisationSettings(threshold, self.models.learned_from(viewer.user_id))

    async def set_auto_categorise(
        self, viewer: Viewer, command: SetAutoCategorise
    ) -> CategorisationSettings:
        """Set (or switch off, with None) the caller's household's threshold; VALIDATION
        for anything but a percent above 0 and at most 100 with at most two decimals."""
        threshold = None if command.threshold is None else parse_threshold(command.threshold)
        owner = viewer.user_id
        await self.repository.set_threshold(owner, threshold, owner, clock.utcnow())
        return await self.settings(viewer)
