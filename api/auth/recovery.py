"""Passwords: forgot (mail a reset token), reset (with the token), change (knowing the current one).

A reset or change sets ``password_changed_at``: access tokens carry the password version they
were issued under (``pwv``), so every older access token stops working at once, and every refresh
family is revoked. A change answers with a fresh session so the caller stays logged in.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.mailed import discard_mailed_tokens, find_mailed_token, issue_mailed_token, spend_mailed_token
from api.auth.passwords import hash_password, verify_password
from api.auth.schemas import TokenPair
from api.auth.sessions import issue_session
from api.context import AppContext
from api.ratelimit import RateLimiter, counter
from core.account_tokens import RESET_PASSWORD
from core.errors import Forbidden, Unauthorized, ValidationFailed
from core.ids import utcnow
from storage.models.users import User
from storage.repositories.users import RefreshTokenRepository, UserRepository

log = logging.getLogger("cadenza.auth")


class PasswordService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.limit = ctx.settings.rate_limits.password
        self.limiter = RateLimiter(ctx.redis)

    async def forgot(self, email: str, *, ip: str) -> None:
        """Mail a reset token if an active account has this address. The caller learns nothing
        either way (same answer; the limit counts unknown addresses too)."""
        async with self.ctx.sessions.begin() as session:
            user = await UserRepository(session).by_email(email)
            account = str(user.id) if user else f"email:{email}"
            await self.limiter.hit(self.limit, counter("password", "ip", ip), counter("password", "account", account))
            if user is None or not user.is_active:
                return
            await issue_mailed_token(session, self.ctx.settings.auth.secret_key, user, RESET_PASSWORD)
        log.info("password reset mail queued", extra={"user_id": str(user.id)})

    async def reset(self, token: str, new_password: str, *, ip: str) -> None:
        """Set a new password with a mailed token (once). Ends every session of the account."""
        await self.limiter.hit(self.limit, counter("password", "ip", ip))
        password_hash = await hash_password(self.ctx.settings.auth, new_password)
        async with self.ctx.sessions.begin() as session:
            row = await find_mailed_token(session, token, RESET_PASSWORD)
            await self.limiter.hit(self.limit, counter("password", "account", str(row.user_id)))
            user = await UserRepository(session).get_for_update(row.user_id)
            if user is None or not user.is_active:
                raise Unauthorized("the account is not active", error_code="account_inactive")
            await spend_mailed_token(session, row)
            await discard_mailed_tokens(session, user, RESET_PASSWORD)
            await self._set_password(session, user, password_hash)
            # Following the mailed link proves the mailbox is the user's.
            user.email_verified = True
        log.info("password reset", extra={"user_id": str(user.id)})

    async def change(self, user: User, current_password: str, new_password: str, *, ip: str) -> TokenPair:
        """Change the password knowing the current one; other sessions end, the caller gets a new one."""
        await self.limiter.hit(self.limit, counter("password", "ip", ip), counter("password", "account", str(user.id)))
        if new_password == current_password:
            raise ValidationFailed("the new password must differ from the current one", error_code="password_unchanged")
        if not await verify_password(self.ctx.settings.auth, user.password_hash, current_password):
            raise Forbidden("the current password is wrong", error_code="invalid_credentials")
        password_hash = await hash_password(self.ctx.settings.auth, new_password)
        async with self.ctx.sessions.begin() as session:
            fresh = await UserRepository(session).get_for_update(user.id)
            if fresh is None or not fresh.is_active:
                raise Unauthorized("the account is not active", error_code="account_inactive")
            if fresh.password_hash != user.password_hash:
                # Changed (or reset) by another request since this one checked the current password.
                raise Forbidden("the current password is wrong", error_code="invalid_credentials")
            await self._set_password(session, fresh, password_hash)
            pair = await issue_session(session, self.ctx.settings.auth, fresh)
        log.info("password changed", extra={"user_id": str(user.id)})
        return pair

    async def _set_password(self, session: AsyncSession, user: User, password_hash: str) -> None:
        now = utcnow()
        user.password_hash = password_hash
        user.password_changed_at = now
        await RefreshTokenRepository(session).revoke_all_for_user(user.id, now)
