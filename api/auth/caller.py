"""The caller of a one-statement read: token claims first, the account checked on the read's own row.

A hot read does not load the caller in a query of its own. The access token is verified
(signature, expiry, type) without I/O; the read's single SQL statement also returns the caller's
account row, checked here once the statement is back (active, password version), and the Redis
denylist is asked concurrently with the statement, so the account check costs no round trip.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from litestar import Request

from api.auth.guards import bearer_token, is_revoked, require_bearer_token
from api.auth.tokens import ACCESS, TokenClaims, decode_token
from api.context import AppContext
from core.errors import Unauthorized

T = TypeVar("T")


def access_claims(request: Request, ctx: AppContext) -> TokenClaims:
    """Dependency: the verified claims of the bearer access token (401 without one)."""
    return decode_token(ctx.settings.auth, require_bearer_token(request), expected_type=ACCESS)


def optional_claims(request: Request, ctx: AppContext) -> TokenClaims | None:
    """Dependency: the claims of the bearer token, or ``None`` without one (a bad token is still a 401)."""
    token = bearer_token(request)
    return None if token is None else decode_token(ctx.settings.auth, token, expected_type=ACCESS)


async def read_as(ctx: AppContext, claims: TokenClaims | None, read: Awaitable[T]) -> T:
    """Await ``read`` (one SQL statement) while the token's denylist entry is looked up in Redis."""
    if claims is None:
        return await read
    revoked = asyncio.ensure_future(is_revoked(ctx.redis, claims))
    try:
        result = await read
    except BaseException:
        revoked.cancel()
        raise
    if await revoked:
        raise Unauthorized("the token has been revoked", error_code="token_revoked")
    return result
