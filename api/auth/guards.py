"""The ``current_user`` dependency: a valid access token of an active user, or 401."""

from __future__ import annotations

import logging

from litestar import Request
from redis.exceptions import RedisError

from api.auth.tokens import ACCESS, decode_token
from api.context import AppContext
from core.errors import Unauthorized
from storage.models.users import User
from storage.repositories.users import UserRepository

log = logging.getLogger("cadenza.auth")


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


async def current_user(request: Request, ctx: AppContext) -> User:
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("an access token is required (Authorization: Bearer …)")
    return await user_for_token(ctx, token)


async def user_for_token(ctx: AppContext, token: str) -> User:
    claims = decode_token(ctx.settings.auth, token, expected_type=ACCESS)
    if await _is_revoked(ctx, claims.jti.hex):
        raise Unauthorized("the token has been revoked", error_code="token_revoked")
    async with ctx.sessions() as session:
        user = await UserRepository(session).get(claims.sub)
    if user is None or not user.is_active:
        raise Unauthorized("the account is not active", error_code="account_inactive")
    return user


async def _is_revoked(ctx: AppContext, jti: str) -> bool:
    """Check the logout denylist. While Redis is down, uploads must still be accepted (the
    outbox carries them), so the check fails open: signature, expiry and the account's active
    flag are still verified against the database."""
    try:
        return bool(await ctx.redis.exists(revoked_access_key(jti)))
    except RedisError as exc:
        log.warning("token denylist unavailable; accepting signed token", extra={"error": type(exc).__name__})
        return False


def revoked_access_key(jti: str) -> str:
    return f"cadenza:revoked-access:{jti}"
