"""The ``current_user`` dependency: a valid access token of an active user, or 401."""

from __future__ import annotations

from litestar import Request

from api.auth.tokens import ACCESS, decode_token
from api.context import AppContext
from core.errors import Unauthorized
from storage.models.users import User
from storage.repositories.users import UserRepository


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
    if await ctx.redis.exists(revoked_access_key(claims.jti.hex)):
        raise Unauthorized("the token has been revoked", error_code="token_revoked")
    async with ctx.sessions() as session:
        user = await UserRepository(session).get(claims.sub)
    if user is None or not user.is_active:
        raise Unauthorized("the account is not active", error_code="account_inactive")
    return user


def revoked_access_key(jti: str) -> str:
    return f"cadenza:revoked-access:{jti}"
