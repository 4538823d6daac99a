"""How the people of a household appear: roles, profiles, members."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.core.ids import ObjectId
from app.domain.members import Role
from app.graphql.relay import to_global_id
from app.persistence.documents.auth import UserProfile

# The domain's roles are the API's, under the schema's name.
strawberry.enum(
    Role, name="MemberRole", description="What a member may do: viewer < editor < admin < owner."
)


@strawberry.type(description="How a person appears to the other members of an account.")
class Profile:
    id: strawberry.ID
    display_name: str
    avatar_color: str

    @classmethod
    def from_profile(cls, profile: UserProfile | None, user_id: ObjectId) -> Profile:
        """`profile` is None for a user who no longer exists."""
        return cls(
            id=to_global_id("User", user_id),
            display_name=profile.display_name if profile else "Former user",
            avatar_color=profile.avatar_color if profile else "#9E9E9E",
        )


@strawberry.type
class AccountMember:
    profile: Profile
    email: str
    role: Role
    added_at: datetime
