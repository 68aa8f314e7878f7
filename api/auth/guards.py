"""The ``current_user`` dependency (a valid access token of an active user, or 401), the token
denylist, and ``require_verified`` for actions that need a confirmed e-mail address."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Protocol, TypeVar

from litestar import Request
from redis.asyncio import Redis
from redis.exceptions import RedisError

from api.auth.tokens import ACCESS, TokenClaims, decode_token, password_version
from api.context import AppContext
from core.errors import Forbidden, Unauthorized
from core.redis_keys import revoked_access_key, revoked_family_key
from storage.models.users import User
from storage.repositories.users import UserRepository

log = logging.getLogger("cadenza.auth")


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def require_bearer_token(request: Request) -> str:
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("an access token is required (Authorization: Bearer …)")
    return token


async def current_user(request: Request, ctx: AppContext) -> User:
    return await user_for_token(ctx, require_bearer_token(request))


async def user_for_token(ctx: AppContext, token: str) -> User:
    """The active user an access token belongs to; 401 with the reason's error code otherwise."""
    claims = decode_token(ctx.settings.auth, token, expected_type=ACCESS)
    if await is_revoked(ctx.redis, claims):
        raise Unauthorized("the token has been revoked", error_code="token_revoked")
    async with ctx.sessions() as session:
        user = await UserRepository(session).get(claims.sub)
    return check_account(claims, user)


class Account(Protocol):
    """What the account check reads from a caller's row (a ``User``, or a read's ``CallerRow``)."""

    @property
    def is_active(self) -> bool: ...

    @property
    def password_changed_at(self) -> dt.datetime | None: ...

    @property
    def session_version(self) -> int: ...


A = TypeVar("A", bound=Account)


def check_account(claims: TokenClaims, account: A | None) -> A:
    """The caller's account if ``claims`` may still act for it; 401 with the reason's error code otherwise."""
    if account is None or not account.is_active:
        raise Unauthorized("the account is not active", error_code="account_inactive")
    if claims.password_version != password_version(account.password_changed_at):
        raise Unauthorized("the password has changed since this token was issued", error_code="token_revoked")
    if claims.session_version != account.session_version:  # deactivated (or promoted) since
        raise Unauthorized("every session of the account has been ended", error_code="token_revoked")
    return account


class HasEmail(Protocol):
    @property
    def email_verified(self) -> bool: ...


def require_verified(user: HasEmail) -> None:
    """Refuse (403 ``email_not_verified``) an action that needs a confirmed e-mail address."""
    if not user.email_verified:
        raise Forbidden("verify your e-mail address first", error_code="email_not_verified")


async def is_revoked(redis: Redis, claims: TokenClaims) -> bool:
    """Check the logout denylist (the token itself, and its session). While Redis is down, uploads
    must still be accepted (the outbox carries them), so the check fails open: signature, expiry,
    password version and the account's active flag are still verified against the database."""
    keys = [revoked_access_key(claims.jti.hex)]
    if claims.family is not None:
        keys.append(revoked_family_key(claims.family))
    try:
        return bool(await redis.exists(*keys))
    except RedisError as exc:
        log.warning("token denylist unavailable; accepting signed token", extra={"error": type(exc).__name__})
        return False


