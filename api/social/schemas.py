"""Like and follow answers, and the caller's lists of them."""

from __future__ import annotations

import uuid

import msgspec

from storage.repositories.social_reads import EdgeView


class LikeOut(msgspec.Struct):
    kind: str
    id: uuid.UUID
    liked: bool
    like_count: int


class FollowOut(msgspec.Struct):
    kind: str
    id: uuid.UUID
    following: bool
    follower_count: int


class EdgePage(msgspec.Struct):
    """Liked or followed things, newest first: ``count`` is the like or follower count, ``since``
    when the caller liked or followed it."""

    items: list[EdgeView]
    total: int
    limit: int
    offset: int
