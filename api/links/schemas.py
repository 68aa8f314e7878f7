"""Share link bodies."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

#: At most 30 days (422 ``validation_error`` beyond).
MAX_LINK_SECONDS = 30 * 24 * 3600


class LinkCreate(msgspec.Struct, forbid_unknown_fields=True):
    expires_in_seconds: Annotated[int, msgspec.Meta(ge=1, le=MAX_LINK_SECONDS)]


class LinkCreated(msgspec.Struct):
    """The token is shown once, here: only its hash is stored."""

    id: uuid.UUID
    token: str
    url: str
    expires_at: dt.datetime


class LinkOut(msgspec.Struct):
    id: uuid.UUID
    recording_id: uuid.UUID
    created_at: dt.datetime
    expires_at: dt.datetime
    expired: bool


class LinkPage(msgspec.Struct):
    items: list[LinkOut]
    total: int
    limit: int
    offset: int
