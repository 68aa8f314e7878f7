"""The caller of a route anonymous callers may use too: the signed-in user, or ``None``."""

from __future__ import annotations

from litestar import Request

from api.auth.guards import bearer_token, user_for_token
from api.context import AppContext
from storage.models.users import User


async def viewer(request: Request, ctx: AppContext) -> User | None:
    """Dependency: ``None`` without a bearer token; a bad or revoked token is still a 401."""
    token = bearer_token(request)
    return None if token is None else await user_for_token(ctx, token)
