"""GraphQL types of identity: the user, their signed-in devices, and auth payloads."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.core.ids import ObjectId
from app.graphql.context import Info
from app.graphql.mutations import Caller, Payload, UserError
from app.graphql.relay import Node, PageInfo, page_request, to_global_id
from app.persistence.documents.auth import LoginDocument, UserDocument
from app.services.auth import SignIn


@strawberry.type(description="A device or browser signed in to the account.")
class LoginSession(Node):
    created_at: datetime
    last_used_at: datetime
    user_agent: str | None
    ip: str | None
    current: bool = strawberry.field(description="True for the login making this request.")

    @classmethod
    def from_document(cls, login: LoginDocument, current_login_id: ObjectId) -> LoginSession:
        return cls(
            id=to_global_id("LoginSession", login.id),
            created_at=login.created_at,
            last_used_at=login.last_used_at,
            user_agent=login.user_agent,
            ip=login.ip,
            current=login.id == current_login_id,
        )


@strawberry.type
class LoginSessionEdge:
    cursor: str
    node: LoginSession


@strawberry.type
class LoginSessionConnection:
    edges: list[LoginSessionEdge]
    page_info: PageInfo


@strawberry.type(description="A person who signs in. Only the user themself can see this.")
class User(Node):
    email: str
    display_name: str
    avatar_color: str = strawberry.field(description="Shown beside the entries they record.")
    created_at: datetime

    @classmethod
    def from_document(cls, user: UserDocument) -> User:
        return cls(
            id=to_global_id("User", user.id),
            email=user.email,
            display_name=user.display_name,
            avatar_color=user.avatar_color,
            created_at=user.created_at,
        )

    @strawberry.field(description="Devices signed in to this account, newest first.")
    async def sessions(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> LoginSessionConnection:
        viewer = await info.context.viewer()
        request, size = page_request(first, after, last, before)
        page = await info.context.services.auth.sessions(viewer, request, size)
        edges = [
            LoginSessionEdge(cursor=c, node=LoginSession.from_document(login, viewer.login_id))
            for login, c in zip(page.items, page.cursors, strict=True)
        ]
        return LoginSessionConnection(
            edges=edges,
            page_info=PageInfo.from_page(page),
        )


@strawberry.type(description="The result of signing up, signing in or refreshing tokens.")
class AuthPayload(Payload):
    user: User | None = None
    access_token: str | None = strawberry.field(
        default=None, description="Bearer token for the Authorization header (15 minutes)."
    )
    access_token_expires_at: datetime | None = None
    refresh_token: str | None = strawberry.field(
        default=None,
        description="Single-use token for refreshToken; keep it secret. Null for the web app "
        "(X-Envelopes-Client: web), which gets it as an HttpOnly cookie.",
    )
    refresh_token_expires_at: datetime | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: SignIn) -> AuthPayload:
        return cls(
            user=User.from_document(result.user),
            access_token=result.access_token,
            access_token_expires_at=result.access_token_expires_at,
            refresh_token=result.refresh_token,
            refresh_token_expires_at=result.refresh_token_expires_at,
        )


@strawberry.type
class LogoutPayload(Payload):
    ok: bool = False
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: None) -> LogoutPayload:
        return cls(ok=True)


@strawberry.type
class SignOutSessionPayload(Payload):
    ok: bool = False
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: None, caller: Caller) -> SignOutSessionPayload:
        return cls(ok=True)


@strawberry.type
class ChangePasswordPayload(Payload):
    user: User | None = None
    signed_out_sessions: int = strawberry.field(
        default=0, description="How many other logins were ended."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: tuple[int, UserDocument], caller: Caller) -> ChangePasswordPayload:
        ended, user = result
        return cls(user=User.from_document(user), signed_out_sessions=ended)
