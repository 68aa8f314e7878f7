"""Playlist bodies: create and update (PATCH with UNSET defaults), items, members, and the answers."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from api.fields import line, text
from storage.repositories.playlist_reads import ItemView, MemberView, PlaylistView

Title = Annotated[str, line(min_length=1, max_length=200)]
Description = Annotated[str, text(max_length=5000)]
Position = Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)]
Username = Annotated[str, line(min_length=1, max_length=40)]


class PlaylistCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: Title
    description: Description | None = None
    is_public: bool = False


class PlaylistUpdate(msgspec.Struct, forbid_unknown_fields=True):
    title: Title | msgspec.UnsetType = msgspec.UNSET
    description: Description | None | msgspec.UnsetType = msgspec.UNSET
    is_public: bool | msgspec.UnsetType = msgspec.UNSET


class ItemCreate(msgspec.Struct, forbid_unknown_fields=True):
    song_id: uuid.UUID
    #: 0-based; absent: at the end.
    position: Position | None = None


class ItemMove(msgspec.Struct, forbid_unknown_fields=True):
    position: Position


class MemberAdd(msgspec.Struct, forbid_unknown_fields=True):
    """Add a member (or change a member's role), named by ``user_id`` or ``username``."""

    role: str
    user_id: uuid.UUID | None = None
    username: Username | None = None


class PlaylistOut(msgspec.Struct):
    id: uuid.UUID
    title: str
    description: str | None
    is_public: bool
    created_by: uuid.UUID | None
    song_count: int
    total_duration_seconds: float
    like_count: int
    follower_count: int
    #: The caller's: their role (``owner`` | ``editor`` | null), whether they like and follow it.
    role: str | None
    liked: bool
    following: bool
    permissions: list[str]
    members: list[MemberView]
    created_at: dt.datetime
    updated_at: dt.datetime


class PlaylistPage(msgspec.Struct):
    items: list[PlaylistOut]
    total: int
    limit: int
    offset: int


class ItemPage(msgspec.Struct):
    items: list[ItemView]
    total: int
    limit: int
    offset: int


ListScope = Literal["visible", "mine"]


def playlist_out(view: PlaylistView, permissions: frozenset[str]) -> PlaylistOut:
    return PlaylistOut(
        id=view.id,
        title=view.title,
        description=view.description,
        is_public=view.is_public,
        created_by=view.created_by,
        song_count=view.song_count,
        total_duration_seconds=view.total_duration_seconds,
        like_count=view.like_count,
        follower_count=view.follower_count,
        role=view.caller_role,
        liked=view.liked,
        following=view.following,
        permissions=sorted(permissions),
        members=view.members,
        created_at=view.created_at,
        updated_at=view.updated_at,
    )
