"""The caller's household's categorisation settings."""

from __future__ import annotations

import strawberry

from app.graphql.categorisation.types import CategorisationSettings
from app.graphql.context import Info


@strawberry.type
class CategorisationQuery:
    @strawberry.field(description="Your household's categorisation settings.")
    async def categorisation_settings(self, info: Info) -> CategorisationSettings:
        viewer = await info.context.viewer()
        found = await info.context.services.categorisation.settings(viewer)
        return CategorisationSettings.from_settings(found)
