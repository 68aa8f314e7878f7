"""Who is calling: an authenticated user, or nobody (anonymous) where a route allows it."""

from __future__ import annotations

import uuid
from typing import Protocol

from api.auth.guards import require_verified

__all__ = ["Principal", "require_verified"]


class Principal(Protocol):
    """What the rules need to know about a caller (a ``User`` row is one)."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def role(self) -> str: ...

    @property
    def email_verified(self) -> bool: ...
