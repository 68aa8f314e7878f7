"""Accounts and sessions: register, log in, refresh, log out."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from api.auth.mailed_tokens import issue_mailed_token
from api.auth.passwords import hash_password, verify_password
from api.auth.schemas import RegisterRequest, TokenPair
from api.auth.sessions import deny_access_token, deny_family, issue_session
from api.auth.throttle import LoginThrottle
from api.auth.tokens import ACCESS, REFRESH, decode_token
from api.context import AppContext
from api.ratelimit import RateLimiter, counter
from core.account_tokens import VERIFY_EMAIL
from core.errors import Conflict, Unauthorized
from core.ids import new_id, utcnow
from storage.models.users import User
from storage.repositories.users import RefreshTokenRepository, UserRepository


class AuthService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.auth = ctx.settings.auth
        self.limits = ctx.settings.rate_limits
        self.limiter = RateLimiter(ctx.redis)

    async def register(self, data: RegisterRequest, *, ip: str) -> User:
        """Create an account and queue its verification mail in the same transaction."""
        await self.limiter.hit(self.limits.register, counter("register", "ip", ip))
        password_hash = await hash_password(self.auth, data.password)
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
                bio=data.bio,
                instruments=[name.strip() for name in data.instruments],
                experience_level=data.experience_level,
                is_active=True,
                email_verified=False,
            )
            try:
                await users.add(user)
            except IntegrityError:  # a concurrent registration won the race
                raise Conflict("that email or username is already registered", error_code="account_exists") from None
            await issue_mailed_token(session, self.auth.secret_key, user, VERIFY_EMAIL)
            return user

    async def login(self, login: str, password: str, *, ip: str) -> tuple[TokenPair, User]:
        """Failures are counted per client address and per account (the user's id, or the login
        text if unknown, so the limit answers alike for accounts that exist and those that
        don't); see ``api/auth/throttle.py``."""
        async with self.ctx.sessions.begin() as session:
            user = await UserRepository(session).by_login(login)
            account = str(user.id) if user else f"login:{login}"
            throttle = LoginThrottle(self.ctx.redis, self.limits)
            attempt = await throttle.attempt(account, ip)
            if not await verify_password(self.auth, user.password_hash if user else None, password) or user is None:
                raise Unauthorized("wrong login or password", error_code="invalid_credentials")
            await throttle.succeeded(attempt)
            if not user.is_active:
                raise Unauthorized("the account is not active", error_code="account_inactive")
            user.last_login_at = utcnow()
            return await issue_session(session, self.auth, user), user

    async def refresh(self, refresh_token: str) -> TokenPair:
        """Rotate: each refresh token works once. A used one presented again means a copy
        exists, so the whole session (family) ends, its access tokens included."""
        claims = decode_token(self.auth, refresh_token, expected_type=REFRESH)
        now = utcnow()
        async with self.ctx.sessions.begin() as session:
            tokens = RefreshTokenRepository(session)
            row = await tokens.get(claims.jti)
            if row is None or row.user_id != claims.sub:
                raise Unauthorized("unknown refresh token", error_code="token_invalid")
            if not await tokens.mark_used(claims.jti, now):
                if row.revoked_at is None or row.used_at is not None:
                    await tokens.revoke_family(row.family_id, now)
                    await session.commit()
                    await deny_family(self.ctx.redis, self.auth, row.family_id)
                    raise Unauthorized("refresh token already used", error_code="refresh_token_reused")
                raise Unauthorized("refresh token revoked", error_code="token_revoked")
            user = await UserRepository(session).get(row.user_id)
            if user is None or not user.is_active:
                raise Unauthorized("the account is not active", error_code="account_inactive")
            return await issue_session(session, self.auth, user, family=row.family_id)

    async def logout(self, access_token: str, refresh_token: str | None) -> None:
        """End the access token's session: its refresh family (named by the token's ``fam``, or
        by ``refresh_token`` for tokens from before ``fam``) and its access tokens."""
        claims = decode_token(self.auth, access_token, expected_type=ACCESS)
        refresh_claims = decode_token(self.auth, refresh_token, expected_type=REFRESH) if refresh_token else None
        if refresh_claims is not None and refresh_claims.sub != claims.sub:
            raise Unauthorized("the refresh token belongs to someone else", error_code="token_invalid")
        now = utcnow()
        async with self.ctx.sessions.begin() as session:
            tokens = RefreshTokenRepository(session)
            if claims.family is not None:
                await tokens.revoke_user_family(claims.sub, claims.family, now)
            if refresh_claims is not None:
                row = await tokens.get(refresh_claims.jti)
                if row is not None and row.user_id == claims.sub:
                    await tokens.revoke_family(row.family_id, now)
        await deny_access_token(self.ctx.redis, self.auth, claims)
