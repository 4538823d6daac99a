"""Sign-up, sign-in, token refresh, sign-out (of this login or of one device in the list) and
password change: one use case per method.

Invariants kept here:
- an email is registered once, whatever its case;
- a refresh token works once: using it rotates it; presenting a rotated token again revokes
  the whole login it belongs to (a stolen token is worth nothing after the owner refreshes);
- an access token works only while its login (`sid`) is not revoked (a process that
  confirmed the login within the last `login_check_cache_seconds` does not ask again; see
  `app.services.open_logins`);
- a wrong password and an unknown email get the same answer, after the same work;
- no refresh token at all gets the answer of an unknown one;
- a user ends only their own logins: another user's login is NOT_FOUND, like one that does
  not exist;
- changing the password revokes every other login of the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.core.errors import NotFoundError, UnauthenticatedError, ValidationError
from app.core.ids import ObjectId
from app.core.settings import Settings
from app.core.viewer import ClientInfo, Viewer
from app.domain import identity
from app.persistence.documents.auth import (
    LoginDocument,
    RefreshTokenDocument,
    UserDocument,
    UserProfile,
)
from app.persistence.keyset import Page, PageRequest
from app.persistence.mongo import Database
from app.persistence.repositories.auth import (
    LoginFailureRepository,
    LoginRepository,
    RefreshTokenRepository,
    UserRepository,
    active_logins_page,
)
from app.persistence.transactions import Session, transactional
from app.services.open_logins import OpenLogins
from app.services.passwords import Passwords
from app.services.throttle import LoginThrottle
from app.services.tokens import AccessTokens, hash_refresh_token, new_refresh_token

INVALID_CREDENTIALS = "Invalid email or password."
INVALID_REFRESH_TOKEN = "Invalid or expired refresh token."  # noqa: S105 (a message)
NO_SUCH_SESSION = "No such session."


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SignIn:
    user: UserDocument
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str
    refresh_token_expires_at: datetime


@dataclass(frozen=True)
class _IssuedRefresh:
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class _Rotated:
    login_id: ObjectId
    user_id: ObjectId
    issued: _IssuedRefresh


class AuthService:
    def __init__(self, db: Database, settings: Settings) -> None:
        self._db = db
        self._users = UserRepository()
        self._logins = LoginRepository()
        self._refresh = RefreshTokenRepository()
        self._passwords = Passwords(settings)
        self._access = AccessTokens(settings.secret, settings.access_token_ttl_seconds)
        self._refresh_ttl = timedelta(seconds=settings.refresh_token_ttl_seconds)
        self._throttle = LoginThrottle(
            LoginFailureRepository(), settings.login_max_failures, settings.login_window_seconds
        )
        self.open_logins = OpenLogins(settings.login_check_cache_seconds)

    async def register(
        self, email: str, password: str, display_name: str, client: ClientInfo
    ) -> SignIn:
        email = identity.clean_email(email)
        identity.check_password(password)
        name = identity.clean_display_name(display_name)
        key = identity.email_key(email)
        now = utcnow()
        user = UserDocument(
            email=email,
            email_key=key,
            display_name=name,
            avatar_color=identity.avatar_color_for(key),
            password_hash=await self._passwords.hash(password),
            created_at=now,
            password_changed_at=now,
        )
        return await self._sign_in(user, client, now, new_user=True)

    async def login(self, email: str, password: str, client: ClientInfo) -> SignIn:
        key = identity.email_key(email)
        keys = LoginThrottle.keys(key, client.ip)
        now = utcnow()
        await self._throttle.check(keys, now)
        user = await self._users.by_email_key(key)
        matches = await self._passwords.verify(user.password_hash if user else None, password)
        if user is None or not matches:
            await self._throttle.record_failure(keys, now)
            raise UnauthenticatedError(INVALID_CREDENTIALS)
        return await self._sign_in(user, client, now)

    async def refresh(self, refresh_token: str | None, client: ClientInfo) -> SignIn:
        """Rotate a refresh token. Reuse of a rotated token revokes its login, then refuses."""
        if refresh_token is None:
            raise UnauthenticatedError(INVALID_REFRESH_TOKEN)
        now = utcnow()
        rotated = await self._rotate(hash_refresh_token(refresh_token), now)
        if rotated is None:
            raise UnauthenticatedError(
                "This refresh token was already used; the login has been signed out."
            )
        user = await self._users.by_id(rotated.user_id)
        if user is None:
            raise UnauthenticatedError(INVALID_REFRESH_TOKEN)
        access, access_expires = self._access.issue(rotated.user_id, rotated.login_id, now)
        return SignIn(user, access, access_expires, rotated.issued.token, rotated.issued.expires_at)

    @transactional
    async def _rotate(self, token_hash: str, now: datetime) -> _Rotated | None:
        async with self._db.transaction() as tx:
            session = tx.session
            record = await self._refresh.by_hash(token_hash, session)
            if record is None or record.expires_at <= now:
                raise UnauthenticatedError(INVALID_REFRESH_TOKEN)
            login = await self._logins.by_id(record.login_id, session)
            if login is None or login.revoked_at is not None:
                raise UnauthenticatedError(INVALID_REFRESH_TOKEN)
            if not await self._refresh.mark_rotated(record.id, now, session):
                # Already rotated: someone holds an old token. End the login (committed).
                await self._logins.revoke(login.id, now, "refresh_token_reuse", session)
                await tx.commit()
                self.open_logins.forget(login.id)
                return None
            issued = await self._issue_refresh(login.id, record.user_id, now, session)
            await self._logins.touch(login.id, now, issued.expires_at, session)
            await tx.commit()
            return _Rotated(login.id, record.user_id, issued)

    async def logout(self, refresh_token: str | None) -> None:
        """End the login the refresh token belongs to (also when that token was rotated)."""
        record = None
        if refresh_token is not None:
            record = await self._refresh.by_hash(hash_refresh_token(refresh_token))
        if record is None:
            raise UnauthenticatedError(INVALID_REFRESH_TOKEN)
        await self._logins.revoke(record.login_id, utcnow(), "logout")
        self.open_logins.forget(record.login_id)

    async def sign_out_session(self, viewer: Viewer, login_id: ObjectId) -> None:
        """End one of the viewer's logins (a device of their list, this one included): its
        refresh and access tokens stop working at once. Ending an ended login again changes
        nothing; another user's login is NOT_FOUND, exactly like one that does not exist."""
        if not await self._logins.revoke_of_user(login_id, viewer.user_id, utcnow(), "signed_out"):
            raise NotFoundError(NO_SUCH_SESSION, field=["id"])
        self.open_logins.forget(login_id)

    async def change_password(
        self, viewer: Viewer, current_password: str, new_password: str, client: ClientInfo
    ) -> tuple[int, UserDocument]:
        """Set a new password and end every other login. Returns how many were ended, and
        the user."""
        user = await self.current_user(viewer)
        keys = LoginThrottle.keys(user.email_key, client.ip)
        now = utcnow()
        await self._throttle.check(keys, now)
        if not await self._passwords.verify(user.password_hash, current_password):
            await self._throttle.record_failure(keys, now)
            raise ValidationError("Current password is incorrect.", field=["currentPassword"])
        identity.check_password(new_password, field="newPassword")
        if new_password == current_password:
            raise ValidationError(
                "New password must differ from the current one.", field=["newPassword"]
            )
        new_hash = await self._passwords.hash(new_password)
        ended = await self._set_password(viewer, new_hash, now)
        self.open_logins.forget_user(viewer.user_id, keep=viewer.login_id)
        return ended, user

    @transactional
    async def _set_password(self, viewer: Viewer, password_hash: str, now: datetime) -> int:
        """Set the hash and end every other login; returns how many were ended."""
        async with self._db.transaction() as tx:
            await self._users.set_password(viewer.user_id, password_hash, now, tx.session)
            ended = await self._logins.revoke_all_of_user_except(
                viewer.user_id, viewer.login_id, now, "password_change", tx.session
            )
            await tx.commit()
            return ended

    def claimed(self, access_token: str) -> Viewer:
        """Who a well-signed, unexpired access token says the caller is (no database): only
        `confirm` makes it an authenticated caller."""
        claims = self._access.decode(access_token)
        return Viewer(claims.user_id, claims.login_id)

    def expires_at(self, access_token: str) -> datetime:
        """When a well-signed, unexpired access token ends (UNAUTHENTICATED if it is not):
        how long a live connection opened with it may last."""
        return self._access.decode(access_token).expires_at

    async def confirm(self, claimed: Viewer) -> tuple[Viewer, UserProfile]:
        """The caller, once their login is known to be still open (not signed out, not
        revoked), and their profile, which comes with the same round trip; UNAUTHENTICATED
        otherwise."""
        user = self.open_logins.known(claimed.login_id, claimed.user_id)
        if user is None:
            user = await self._logins.open_login_user(claimed.login_id, claimed.user_id)
            if user is None:
                raise UnauthenticatedError("This login has ended. Sign in again.")
            self.open_logins.remember(claimed.login_id, claimed.user_id, user)
        return claimed, user

    async def current_user(self, viewer: Viewer) -> UserDocument:
        user = await self._users.by_id(viewer.user_id)
        if user is None:
            raise UnauthenticatedError("This login has ended. Sign in again.")
        return user

    async def _sign_in(
        self, user: UserDocument, client: ClientInfo, now: datetime, new_user: bool = False
    ) -> SignIn:
        """Open a new login for `user`: one login document and its first refresh token,
        in the same transaction as the user's insertion when the user is new."""
        login_id, issued = await self._open_login(user, client, now, new_user)
        access, access_expires = self._access.issue(user.id, login_id, now)
        return SignIn(user, access, access_expires, issued.token, issued.expires_at)

    @transactional
    async def _open_login(
        self, user: UserDocument, client: ClientInfo, now: datetime, new_user: bool
    ) -> tuple[ObjectId, _IssuedRefresh]:
        async with self._db.transaction() as tx:
            if new_user:
                await self._users.add(user, tx.session)
            login = LoginDocument(
                user_id=user.id,
                created_at=now,
                last_used_at=now,
                expires_at=now + self._refresh_ttl,
                user_agent=(client.user_agent or "")[:300] or None,
                ip=client.ip,
            )
            await self._logins.add(login, tx.session)
            issued = await self._issue_refresh(login.id, user.id, now, tx.session)
            await tx.commit()
            return login.id, issued

    async def _issue_refresh(
        self,
        login_id: ObjectId,
        user_id: ObjectId,
        now: datetime,
        session: Session,
    ) -> _IssuedRefresh:
        token = new_refresh_token()
        expires_at = now + self._refresh_ttl
        await self._refresh.add(
            RefreshTokenDocument(
                token_hash=hash_refresh_token(token),
                login_id=login_id,
                user_id=user_id,
                issued_at=now,
                expires_at=expires_at,
            ),
            session,
        )
        return _IssuedRefresh(token, expires_at)

    async def sessions(
        self, viewer: Viewer, request: PageRequest, size: int
    ) -> Page[LoginDocument]:
        """The viewer's active logins (devices), newest first."""
        return await active_logins_page(viewer.user_id, utcnow(), request, size)
