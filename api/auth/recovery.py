"""Passwords: forgot (mail a reset token), reset (with the token), change (knowing the current one).

A reset or change sets ``password_changed_at``: access tokens carry the password version they
were issued under (``pwv``), so every older access token stops working at once, and every refresh
family is revoked. A change answers with a fresh session so the caller stays logged in.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.mailed_tokens import discard_mailed_tokens, find_mailed_token, issue_mailed_token, spend_mailed_token
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
        self.limits = ctx.settings.rate_limits
        self.limiter = RateLimiter(ctx.redis)

    async def forgot(self, email: str, *, ip: str) -> None:
        """Mail a reset token if an active account has this address. The caller learns nothing
        either way (same answer). Limited per client address; per account, mails beyond the
        limit are silently not sent, so strangers can neither block the owner's reset nor keep
        replacing the token in the owner's mailbox."""
        await self.limiter.hit(self.limits.password, counter("password-forgot", "ip", ip))
        async with self.ctx.sessions.begin() as session:
            user = await UserRepository(session).by_email(email)
            if user is None or not user.is_active:
                return
            mail_key = counter("password-mail", "account", str(user.id))
            if not await self.limiter.allows(self.limits.password_mail_account, mail_key):
                log.info("password reset mail not sent: enough sent lately", extra={"user_id": str(user.id)})
                return
            await issue_mailed_token(session, self.ctx.settings.auth.secret_key, user, RESET_PASSWORD)
        log.info("password reset mail queued", extra={"user_id": str(user.id)})

    async def reset(self, token: str, new_password: str, *, ip: str) -> None:
        """Set a new password with a mailed token (once). Ends every session of the account."""
        await self.limiter.hit(self.limits.password_reset, counter("password-reset", "ip", ip))
        password_hash = await hash_password(self.ctx.settings.auth, new_password)
        async with self.ctx.sessions.begin() as session:
            row = await find_mailed_token(session, token, RESET_PASSWORD)
            # Only the token's holder gets here, so only they spend the account's counter.
            await self.limiter.hit(self.limits.password_reset, counter("password-reset", "account", str(row.user_id)))
            user = await UserRepository(session).get_for_update(row.user_id)
            if user is None or not user.is_active:
                raise Unauthorized("the account is not active", error_code="account_inactive")
            await spend_mailed_token(session, row)
            await discard_mailed_tokens(session, user, RESET_PASSWORD)
            await self._set_password(session, user, password_hash)
            # Following the mailed link proves the mailbox is the user's.
            user.email_verified = True
        log.info("password reset", extra={"user_id": str(user.id)})

    async def change(self, user: User, current_password: str, new_password: str) -> TokenPair:
        """Change the password knowing the current one; other sessions end, the caller gets a new one."""
        # Per account only: the signed-in owner is the only one who can spend it, and neighbours
        # behind the same address must not use up the owner's changes.
        await self.limiter.hit(self.limits.password_change, counter("password-change", "account", str(user.id)))
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
