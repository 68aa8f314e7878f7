"""Comment bodies. ``CommentOut`` is decoded straight from the read's JSON (``COMMENT_FIELDS``)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from api.fields import text

#: DESIGN §9's categories; anything else is 422 ``validation_error``.
Category = Literal["technique", "intonation", "rhythm", "tone", "musicality", "expression", "posture", "general"]
Body = Annotated[str, text(max_length=5000), msgspec.Meta(min_length=1)]


class CommentCreate(msgspec.Struct, forbid_unknown_fields=True):
    body: Body
    #: Checked by the service (``0 ≤ at_seconds ≤ end_seconds ≤ duration``: 422 ``invalid_timestamp``).
    at_seconds: float
    end_seconds: float | None = None
    category: Category | None = None


class ReplyCreate(msgspec.Struct, forbid_unknown_fields=True):
    body: Body
    #: Optional guard: the recording the client believes the thread is on (422 ``wrong_recording`` if not).
    recording_id: uuid.UUID | None = None


class CommentUpdate(msgspec.Struct, forbid_unknown_fields=True):
    body: Body | msgspec.UnsetType = msgspec.UNSET
    category: Category | None | msgspec.UnsetType = msgspec.UNSET
    resolved: bool | msgspec.UnsetType = msgspec.UNSET


class AuthorOut(msgspec.Struct):
    id: uuid.UUID
    username: str
    display_name: str | None


class CommentOut(msgspec.Struct):
    id: uuid.UUID
    recording_id: uuid.UUID
    author: AuthorOut
    body: str | None  # null once deleted (a tombstone that keeps its thread)
    at_seconds: float
    end_seconds: float | None
    category: str | None
    parent_id: uuid.UUID | None
    resolved: bool
    deleted: bool
    reply_count: int
    replies: list[CommentOut]
    created_at: dt.datetime
    updated_at: dt.datetime


class CommentPage(msgspec.Struct):
    items: list[CommentOut]
    total: int
    limit: int
    offset: int
