"""Who is calling: an authenticated user, or nobody (anonymous) where a route allows it."""

from __future__ import annotations

import uuid
from typing import Protocol

from litestar import Request

from api.auth.guards import bearer_token, require_verified, user_for_token
from api.context import AppContext
from storage.models.users import User

__all__ = ["Principal", "optional_user", "require_verified"]


class Principal(Protocol):
    """What the rules need to know about a caller (a ``User`` row is one)."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def role(self) -> str: ...

    @property
    def email_verified(self) -> bool: ...


async def optional_user(request: Request, ctx: AppContext) -> User | None:
    """The caller, or ``None`` without an ``Authorization`` header.

    A token that is present but bad (expired, revoked, malformed) is still a 401: a client whose
    session lapsed must learn it, not silently see the anonymous view.
    """
    token = bearer_token(request)
    return None if token is None else await user_for_token(ctx, token)
