"""The caller of a one-statement read: token claims first, the account checked on the read's own row.

A hot read does not load the caller in a query of its own. The access token is verified
(signature, expiry, type) without I/O; the read's single SQL statement also returns the caller's
account row, checked here once the statement is back (active, password version), and the Redis
denylist is asked concurrently with the statement, so the account check costs no round trip.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Awaitable
from typing import TypeVar

from litestar import Request

from api.auth.guards import bearer_token, is_revoked, require_bearer_token
from api.auth.tokens import ACCESS, TokenClaims, decode_token
from api.context import AppContext
from core.errors import Unauthorized
from core.settings import AuthSettings

T = TypeVar("T")


def access_claims(request: Request, ctx: AppContext) -> TokenClaims:
    """Dependency: the verified claims of the bearer access token (401 without one)."""
    return verified_access(ctx.settings.auth, require_bearer_token(request))


def optional_claims(request: Request, ctx: AppContext) -> TokenClaims | None:
    """Dependency: the claims of the bearer token, or ``None`` without one (a bad token is still a 401)."""
    token = bearer_token(request)
    return None if token is None else verified_access(ctx.settings.auth, token)


def verified_access(settings: AuthSettings, token: str) -> TokenClaims:
    """``decode_token`` for access tokens, remembered per token: a client polls with the same token
    many times, and its signature, type and claims cannot change; only its expiry is checked again."""
    claims = _decoded_access(settings, token)
    if claims.exp <= dt.datetime.now(dt.UTC):
        raise Unauthorized("the token has expired", error_code="token_expired")
    return claims


@functools.lru_cache(maxsize=4096)
def _decoded_access(settings: AuthSettings, token: str) -> TokenClaims:
    return decode_token(settings, token, expected_type=ACCESS)  # failures raise, and are not cached


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


#: OpenAPI for routes that take ``optional_claims``: a token is optional; ``{}`` is the "no
#: security" alternative (published courses, the catalogue, search).
OPTIONAL_TOKEN = [{}, {"BearerToken": []}]
