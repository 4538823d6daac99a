"""Mutations of a household: members and their roles."""

from __future__ import annotations

import strawberry

from app.core.ids import ObjectId
from app.domain.members import Role
from app.graphql.ledger.accounts.mutations import AccountInput, AccountPayload
from app.graphql.mutations import Caller, Payload, UserError, mutation_field
from app.graphql.relay import decode_id, to_global_id
from app.services.ledger import commands


@strawberry.input
class ShareAccountInput(AccountInput):
    email: str
    role: Role

    def to_command(self) -> commands.ShareAccount:
        return commands.ShareAccount(self.account(), self.email, self.role)


@strawberry.input
class MemberInput(AccountInput):
    user_id: strawberry.ID

    def user(self) -> ObjectId:
        return decode_id(self.user_id, "User", "userId")

    def to_command(self) -> commands.MemberRef:
        return commands.MemberRef(self.account(), self.user())


@strawberry.input
class ChangeMemberRoleInput(MemberInput):
    role: Role

    def to_command(self) -> commands.ChangeMemberRole:
        return commands.ChangeMemberRole(self.account(), self.user(), self.role)


@strawberry.type
class LeaveAccountPayload(Payload):
    account_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, account_id: ObjectId, caller: Caller) -> LeaveAccountPayload:
        return cls(account_id=to_global_id("Account", account_id))


@strawberry.type
class MemberMutation:
    share_account = mutation_field(
        "Share the account with a registered user (admins).",
        ShareAccountInput,
        AccountPayload,
        lambda services: services.members.share,
    )
    change_member_role = mutation_field(
        "Give a member another role (admins; not the owner).",
        ChangeMemberRoleInput,
        AccountPayload,
        lambda services: services.members.change_role,
    )
    remove_member = mutation_field(
        "Remove a member (admins; not the owner).",
        MemberInput,
        AccountPayload,
        lambda services: services.members.remove,
    )
    transfer_ownership = mutation_field(
        "Hand the account to another member; you become admin.",
        MemberInput,
        AccountPayload,
        lambda services: services.members.transfer_ownership,
    )
    leave_account = mutation_field(
        "Stop being a member (the owner transfers ownership first).",
        AccountInput,
        LeaveAccountPayload,
        lambda services: services.members.leave,
    )
