"""Mutations of a household: members and their roles."""

from __future__ import annotations

import strawberry

from app.core.viewer import Viewer
from app.domain.members import Role
from app.graphql.context import Info
from app.graphql.ledger.accounts.mutations import AccountInput, AccountPayload
from app.graphql.ledger.members.types import MemberRole
from app.graphql.mutations import Payload, UserError, run_mutation
from app.graphql.relay import decode_id
from app.services.ledger import commands


@strawberry.input
class ShareAccountInput:
    account_id: strawberry.ID
    email: str
    role: MemberRole

    def to_command(self) -> commands.ShareAccount:
        account_id = decode_id(self.account_id, "Account", "accountId")
        return commands.ShareAccount(account_id, self.email, Role(self.role.value))


@strawberry.input
class ChangeMemberRoleInput:
    account_id: strawberry.ID
    user_id: strawberry.ID
    role: MemberRole

    def to_command(self) -> commands.ChangeMemberRole:
        return commands.ChangeMemberRole(
            decode_id(self.account_id, "Account", "accountId"),
            decode_id(self.user_id, "User", "userId"),
            Role(self.role.value),
        )


@strawberry.input
class MemberInput:
    account_id: strawberry.ID
    user_id: strawberry.ID

    def to_command(self) -> commands.MemberRef:
        return commands.MemberRef(
            decode_id(self.account_id, "Account", "accountId"),
            decode_id(self.user_id, "User", "userId"),
        )


@strawberry.type
class LeaveAccountPayload(Payload):
    account_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MemberMutation:
    @strawberry.mutation(description="Share the account with a registered user (admins).")
    async def share_account(self, info: Info, input: ShareAccountInput) -> AccountPayload:
        members = info.context.services.members

        async def change(viewer: Viewer) -> AccountPayload:
            return AccountPayload.of(await members.share(viewer, input.to_command()), viewer)

        return await run_mutation(info, AccountPayload, change)

    @strawberry.mutation(description="Give a member another role (admins; not the owner).")
    async def change_member_role(self, info: Info, input: ChangeMemberRoleInput) -> AccountPayload:
        members = info.context.services.members

        async def change(viewer: Viewer) -> AccountPayload:
            return AccountPayload.of(await members.change_role(viewer, input.to_command()), viewer)

        return await run_mutation(info, AccountPayload, change)

    @strawberry.mutation(description="Remove a member (admins; not the owner).")
    async def remove_member(self, info: Info, input: MemberInput) -> AccountPayload:
        members = info.context.services.members

        async def change(viewer: Viewer) -> AccountPayload:
            return AccountPayload.of(await members.remove(viewer, input.to_command()), viewer)

        return await run_mutation(info, AccountPayload, change)

    @strawberry.mutation(description="Hand the account to another member; you become admin.")
    async def transfer_ownership(self, info: Info, input: MemberInput) -> AccountPayload:
        members = info.context.services.members

        async def change(viewer: Viewer) -> AccountPayload:
            account = await members.transfer_ownership(viewer, input.to_command())
            return AccountPayload.of(account, viewer)

        return await run_mutation(info, AccountPayload, change)

    @strawberry.mutation(description="Stop being a member (the owner transfers ownership first).")
    async def leave_account(self, info: Info, input: AccountInput) -> LeaveAccountPayload:
        members = info.context.services.members

        async def change(viewer: Viewer) -> LeaveAccountPayload:
            await members.leave(viewer, decode_id(input.account_id, "Account", "accountId"))
            return LeaveAccountPayload(account_id=input.account_id)

        return await run_mutation(info, LeaveAccountPayload, change)
