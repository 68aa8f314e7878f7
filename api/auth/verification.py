"""E-mail verification: spend a mailed token, or mail a new one."""

from __future__ import annotations

import logging

from api.auth.mailed_tokens import find_mailed_token, issue_mailed_token, spend_mailed_token
from api.context import AppContext
from api.ratelimit import RateLimiter, counter
from core.account_tokens import VERIFY_EMAIL
from core.errors import Conflict, Unauthorized
from storage.models.users import User
from storage.repositories.users import UserRepository

log = logging.getLogger("cadenza.auth")


class VerificationService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def verify(self, token: str) -> None:
        """Mark the token's account verified; the token works once."""
        async with self.ctx.sessions.begin() as session:
            row = await find_mailed_token(session, token, VERIFY_EMAIL)
            user = await UserRepository(session).get(row.user_id)
            if user is None or not user.is_active:
                raise Unauthorized("the account is not active", error_code="account_inactive")
            await spend_mailed_token(session, row)
            user.email_verified = True
        log.info("e-mail verified", extra={"user_id": str(user.id)})

    async def resend(self, user: User) -> None:
        """Mail a new token; the ones mailed before stop working. 409 if already verified."""
        if user.email_verified:
            raise Conflict("the e-mail address is already verified", error_code="already_verified")
        await RateLimiter(self.ctx.redis).hit(
            self.ctx.settings.rate_limits.verify_resend, counter("verify-resend", "account", str(user.id))
        )
        async with self.ctx.sessions.begin() as session:
            fresh = await UserRepository(session).get(user.id)
            if fresh is None:
                raise Unauthorized("the account is not active", error_code="account_inactive")
            if fresh.email_verified:
                raise Conflict("the e-mail address is already verified", error_code="already_verified")
            await issue_mailed_token(session, self.ctx.settings.auth.secret_key, fresh, VERIFY_EMAIL)
