from __future__ import annotations

import strawberry

from app.graphql.auth.types import AuthPayload, ChangePasswordPayload, LogoutPayload
from app.graphql.context import Info
from app.graphql.mutations import run_mutation, run_public_mutation


@strawberry.input
class RegisterInput:
    email: str
    password: str = strawberry.field(description="At least 10 characters.")
    display_name: str


@strawberry.input
class LoginInput:
    email: str
    password: str


@strawberry.input
class RefreshTokenInput:
    refresh_token: str


@strawberry.input
class LogoutInput:
    refresh_token: str = strawberry.field(description="Any token of the login to end.")


@strawberry.input
class ChangePasswordInput:
    current_password: str
    new_password: str


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="Create an account and sign in to it.")
    async def register(self, info: Info, input: RegisterInput) -> AuthPayload:
        auth, client = info.context.services.auth, info.context.client
        return await run_public_mutation(
            AuthPayload,
            lambda: auth.register(input.email, input.password, input.display_name, client),
        )

    @strawberry.mutation(description="Sign in. Failures are throttled per email and per IP.")
    async def login(self, info: Info, input: LoginInput) -> AuthPayload:
        auth, client = info.context.services.auth, info.context.client
        return await run_public_mutation(
            AuthPayload, lambda: auth.login(input.email, input.password, client)
        )

    @strawberry.mutation(
        description="Trade a refresh token for new tokens. Each refresh token works once; "
        "presenting a used one again signs that login out everywhere."
    )
    async def refresh_token(self, info: Info, input: RefreshTokenInput) -> AuthPayload:
        auth, client = info.context.services.auth, info.context.client
        return await run_public_mutation(
            AuthPayload, lambda: auth.refresh(input.refresh_token, client)
        )

    @strawberry.mutation(description="Sign out: end the login the refresh token belongs to.")
    async def logout(self, info: Info, input: LogoutInput) -> LogoutPayload:
        auth = info.context.services.auth
        return await run_public_mutation(LogoutPayload, lambda: auth.logout(input.refresh_token))

    @strawberry.mutation(description="Change the password and sign out every other login.")
    async def change_password(
        self, info: Info, input: ChangePasswordInput
    ) -> ChangePasswordPayload:
        auth, client = info.context.services.auth, info.context.client
        return await run_mutation(
            info,
            ChangePasswordPayload,
            lambda v: auth.change_password(v, input.current_password, input.new_password, client),
        )
