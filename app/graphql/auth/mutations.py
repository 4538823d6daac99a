"""Mutations of identity: signing up, in and out, tokens, passwords, devices.

The web app (`X-Envelopes-Client: web`) gets and sends its refresh token as a cookie instead
of in the body (see `cookies.py`); every other client is answered as before.
"""

from __future__ import annotations

import strawberry

from app.core.ids import ObjectId
from app.graphql.auth.cookies import WebClient, presented
from app.graphql.auth.types import (
    AuthPayload,
    ChangePasswordPayload,
    LogoutPayload,
    SignOutSessionPayload,
)
from app.graphql.context import Info
from app.graphql.mutations import mutation_field, run_mutation, run_public_mutation
from app.graphql.relay import decode_id


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
    refresh_token: str | None = strawberry.field(
        default=None,
        description="The web app leaves it out: its cookie is read (with X-Envelopes-Client: web).",
    )


@strawberry.input
class LogoutInput:
    refresh_token: str | None = strawberry.field(
        default=None,
        description="Any token of the login to end; the web app leaves it out (its cookie "
        "is read).",
    )


@strawberry.input
class SignOutSessionInput:
    id: strawberry.ID = strawberry.field(description="A LoginSession of `me.sessions`.")

    def to_command(self) -> ObjectId:
        return decode_id(self.id, "LoginSession", "id")


@strawberry.input
class ChangePasswordInput:
    current_password: str
    new_password: str


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="Create an account and sign in to it.")
    async def register(self, info: Info, input: RegisterInput) -> AuthPayload:
        auth, client = info.context.services.auth, info.context.client
        payload = await run_public_mutation(
            AuthPayload,
            lambda: auth.register(input.email, input.password, input.display_name, client),
        )
        return _signed_in(payload, WebClient.of(info.context))

    @strawberry.mutation(description="Sign in. Failures are throttled per email and per IP.")
    async def login(self, info: Info, input: LoginInput) -> AuthPayload:
        auth, client = info.context.services.auth, info.context.client
        payload = await run_public_mutation(
            AuthPayload, lambda: auth.login(input.email, input.password, client)
        )
        return _signed_in(payload, WebClient.of(info.context))

    @strawberry.mutation(
        description="Trade a refresh token for new tokens. Each refresh token works once; "
        "presenting a used one again signs that login out everywhere."
    )
    async def refresh_token(self, info: Info, input: RefreshTokenInput) -> AuthPayload:
        auth, client = info.context.services.auth, info.context.client
        web = WebClient.of(info.context)
        token = presented(input.refresh_token, web)
        payload = await run_public_mutation(AuthPayload, lambda: auth.refresh(token, client))
        if web is not None and payload.user_errors:
            web.clear()  # reused, revoked or expired: the cookie is worth nothing now
        return _signed_in(payload, web)

    @strawberry.mutation(description="Sign out: end the login the refresh token belongs to.")
    async def logout(self, info: Info, input: LogoutInput) -> LogoutPayload:
        auth, web = info.context.services.auth, WebClient.of(info.context)
        token = presented(input.refresh_token, web)
        payload = await run_public_mutation(LogoutPayload, lambda: auth.logout(token))
        if web is not None:
            web.clear()
        return payload

    sign_out_session = mutation_field(
        "Sign out one device of `me.sessions` (this one too): that login ends, and its "
        "access tokens stop working at once.",
        SignOutSessionInput,
        SignOutSessionPayload,
        lambda services: services.auth.sign_out_session,
    )

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


def _signed_in(payload: AuthPayload, web: WebClient | None) -> AuthPayload:
    """The web app gets the new refresh token as its cookie, not in the body."""
    if web is not None and payload.refresh_token is not None:
        web.keep(payload.refresh_token)
        payload.refresh_token = None
    return payload
