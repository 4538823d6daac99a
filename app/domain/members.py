"""Who may do what in a shared account (a household): roles and their permissions.

    viewer  reads everything in the account, changes nothing
    editor  + records income and expenses, moves, transfers, undoes
    admin   + manages envelopes, payment sources, members and the account's settings
    owner   + closes and reopens the account, transfers ownership; exactly one per account

An admin manages members below the owner; nobody but the owner changes the owner, and the
owner leaves only after handing ownership to another member.
"""

from __future__ import annotations

from enum import Enum, StrEnum

from app.core.errors import ConflictError, ForbiddenError, ValidationError


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"


class Permission(Enum):
    READ = Role.VIEWER
    RECORD = Role.EDITOR
    MANAGE = Role.ADMIN
    OWN = Role.OWNER


_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2, Role.OWNER: 3}
_REFUSALS = {
    Permission.READ: "You cannot see this account.",
    Permission.RECORD: "Viewers cannot change this account; ask an admin for the editor role.",
    Permission.MANAGE: "Only the account's admins and owner can do this.",
    Permission.OWN: "Only the account's owner can do this.",
}


def allows(role: Role, permission: Permission) -> bool:
    return _RANK[role] >= _RANK[permission.value]


def require(role: Role, permission: Permission) -> None:
    if not allows(role, permission):
        raise ForbiddenError(_REFUSALS[permission])


def check_grantable(role: Role, field: str = "role") -> None:
    """Sharing and role changes give admin, editor or viewer; ownership is transferred."""
    if role is Role.OWNER:
        raise ValidationError(
            "The owner role is given by transferOwnership, not by sharing.", field=[field]
        )


def check_member_change(actor: Role, target: Role, field: str = "userId") -> None:
    """An admin or the owner may change or remove any member except the owner."""
    require(actor, Permission.MANAGE)
    if target is Role.OWNER:
        raise ForbiddenError("The owner's membership changes only by transferOwnership.")


def check_can_leave(role: Role) -> None:
    if role is Role.OWNER:
        raise ConflictError(
            "The owner cannot leave: transfer ownership to another member first.",
            field=["accountId"],
        )
