"""Likes and follows: an edge row and its target's counter, changed in one transaction.

A repeated like inserts nothing (``ON CONFLICT DO NOTHING``) and a repeated unlike deletes
nothing, and the counter moves only with a row that really appeared or disappeared, so PUT and
DELETE are idempotent and the counter equals the number of rows, even under concurrent calls
(the edge's primary key serialises two calls of one user on one target).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import TableClause

from storage.models.playlists import Playlist
from storage.models.social import (
    ALBUM_LIKES,
    ARTIST_FOLLOWS,
    PLAYLIST_FOLLOWS,
    PLAYLIST_LIKES,
    SONG_LIKES,
    USER_FOLLOWS,
    FollowKind,
    LikeKind,
)
from storage.models.users import User
from storage.repositories.catalogue_refs import ALBUMS, ARTISTS, SONGS


@dataclass(frozen=True, slots=True)
class Edge:
    """One kind of like or follow: its table, its target's table, the target's counter and name."""

    kind: str
    table: Table
    target: TableClause
    counter: str
    name: str


_PLAYLISTS, _USERS = Playlist.__table__, User.__table__

LIKES: dict[LikeKind, Edge] = {
    LikeKind.SONG: Edge("song", SONG_LIKES, SONGS, "like_count", "title"),
    LikeKind.ALBUM: Edge("album", ALBUM_LIKES, ALBUMS, "like_count", "title"),
    LikeKind.PLAYLIST: Edge("playlist", PLAYLIST_LIKES, _PLAYLISTS, "like_count", "title"),
}
FOLLOWS: dict[FollowKind, Edge] = {
    FollowKind.ARTIST: Edge("artist", ARTIST_FOLLOWS, ARTISTS, "follower_count", "name"),
    FollowKind.USER: Edge("user", USER_FOLLOWS, _USERS, "follower_count", "username"),
    FollowKind.PLAYLIST: Edge("playlist", PLAYLIST_FOLLOWS, _PLAYLISTS, "follower_count", "title"),
}


class SocialRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_target(self, edge: Edge, target_id: uuid.UUID) -> bool:
        """Whether the target exists; KEY SHARE keeps it from being deleted before the commit."""
        stmt = select(edge.target.c.id).where(edge.target.c.id == target_id).with_for_update(key_share=True)
        return (await self.session.execute(stmt)).first() is not None

    async def add(self, edge: Edge, user_id: uuid.UUID, target_id: uuid.UUID) -> int:
        """Add the edge (no-op if present); returns the target's counter afterwards."""
        stmt = insert(edge.table).values(user_id=user_id, target_id=target_id).on_conflict_do_nothing()
        added = (await self.session.execute(stmt.returning(edge.table.c.user_id))).first() is not None
        return await self._count(edge, target_id, +1 if added else 0)

    async def remove(self, edge: Edge, user_id: uuid.UUID, target_id: uuid.UUID) -> int:
        """Remove the edge (no-op if absent); returns the target's counter afterwards."""
        t = edge.table
        stmt = delete(t).where(t.c.user_id == user_id, t.c.target_id == target_id).returning(t.c.user_id)
        removed = (await self.session.execute(stmt)).first() is not None
        return await self._count(edge, target_id, -1 if removed else 0)

    async def _count(self, edge: Edge, target_id: uuid.UUID, delta: int) -> int:
        counter: Any = edge.target.c[edge.counter]
        if delta == 0:
            stmt: Any = select(counter).where(edge.target.c.id == target_id)
        else:
            stmt = (
                update(edge.target)
                .where(edge.target.c.id == target_id)
                .values({edge.counter: func.greatest(counter + delta, 0)})
                .returning(counter)
            )
        return int((await self.session.execute(stmt)).scalar_one())
