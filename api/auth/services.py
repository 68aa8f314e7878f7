"""Account and session logic shared by the auth and user endpoints."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError

from api.auth.guards import revoked_access_key
from api.auth.passwords import hash_password, verify_password
from api.auth.schemas import RegisterRequest, TokenPair
from api.auth.tokens import ACCESS, REFRESH, decode_token, issue_access_token, issue_refresh_token
from api.context import AppContext
from core.errors import Conflict, Unauthorized
from core.ids import new_id, utcnow
from storage.models.users import RefreshToken, User
from storage.repositories.users import RefreshTokenRepository, UserRepository


class AuthService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.auth = ctx.settings.auth

    async def register(self, data: RegisterRequest) -> User:
        password_hash = await hash_password(data.password)
        async with self.ctx.sessions.begin() as session:
            users = UserRepository(session)
            taken = await users.taken(email=data.email, username=data.username)
            if taken:
                field = "email" if "email" in taken else "username"
                raise Conflict(f"that {field} is already registered", error_code=f"{field}_taken")
            user = User(
                id=new_id(),
                email=data.email.strip(),
                username=data.username,
                password_hash=password_hash,
                role=data.role,
                display_name=data.display_name,
                is_active=True,
                email_verified=False,
            )
            try:
                return await users.add(user)
            except IntegrityError:  # a concurrent registration won the race
                raise Conflict("that email or username is already registered", error_code="account_exists") from None

    async def login(self, login: str, password: str) -> TokenPair:
        async with self.ctx.sessions.begin() as session:
            user = await UserRepository(session).by_login(login)
            if not await verify_password(user.password_hash if user else None, password) or user is None:
                raise Unauthorized("wrong login or password", error_code="invalid_credentials")
            if not user.is_active:
                raise Unauthorized("the account is not active", error_code="account_inactive")
            user.last_login_at = utcnow()
            return await self._issue(session, user, family=uuid.uuid4())

    async def refresh(self, refresh_token: str) -> TokenPair:
        claims = decode_token(self.auth, refresh_token, expected_type=REFRESH)
        now = utcnow()
        async with self.ctx.sessions.begin() as session:
            tokens = RefreshTokenRepository(session)
            row = await tokens.get(claims.jti)
            if row is None:
                raise Unauthorized("unknown refresh token", error_code="token_invalid")
            if not await tokens.mark_used(claims.jti, now):
                if row.revoked_at is None or row.used_at is not None:
                    # A used token presented again: someone holds a copy. Revoke the whole family.
                    await tokens.revoke_family(row.family_id, now)
                    await session.commit()
                    raise Unauthorized("refresh token already used", error_code="refresh_token_reused")
                raise Unauthorized("refresh token revoked", error_code="token_revoked")
            user = await UserRepository(session).get(row.user_id)
            if user is None or not user.is_active:
                raise Unauthorized("the account is not active", error_code="account_inactive")
            return await self._issue(session, user, family=row.family_id)

    async def logout(self, access_token: str, refresh_token: str | None) -> None:
        claims = decode_token(self.auth, access_token, expected_type=ACCESS)
        ttl = max(1, int((claims.exp - utcnow()).total_seconds()))
        await self.ctx.redis.set(revoked_access_key(claims.jti.hex), "1", ex=ttl)
        if refresh_token:
            refresh_claims = decode_token(self.auth, refresh_token, expected_type=REFRESH)
            if refresh_claims.sub != claims.sub:
                raise Unauthorized("the refresh token belongs to someone else", error_code="token_invalid")
            async with self.ctx.sessions.begin() as session:
                tokens = RefreshTokenRepository(session)
                row = await tokens.get(refresh_claims.jti)
                if row is not None:
                    await tokens.revoke_family(row.family_id, utcnow())

    async def _issue(self, session, user: User, *, family: uuid.UUID) -> TokenPair:  # noqa: ANN001
        now = utcnow()
        access, expires_in = issue_access_token(self.auth, user_id=user.id, role=user.role, now=now)
        jti = uuid.uuid4()
        refresh, expires_at = issue_refresh_token(self.auth, user_id=user.id, jti=jti, family=family, now=now)
        await RefreshTokenRepository(session).add(
            RefreshToken(id=jti, user_id=user.id, family_id=family, expires_at=expires_at)
        )
        return TokenPair(access_token=access, refresh_token=refresh, expires_in=expires_in)
