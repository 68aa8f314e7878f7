"""Likes (songs, albums, playlists) and follows (artists, users, playlists): one table per kind.

Every table is ``(user_id, target_id, created_at)`` with the pair as primary key, so a repeated
like is a no-op (``ON CONFLICT DO NOTHING``) and the target's counter moves only when a row
really appeared or disappeared (``storage.repositories.social``).
"""

from __future__ import annotations

import enum

from sqlalchemy import Column, DateTime, ForeignKey, Index, Table, func
from sqlalchemy.dialects.postgresql import UUID

from storage.models.base import Base


class LikeKind(enum.StrEnum):
    SONG = "song"
    ALBUM = "album"
    PLAYLIST = "playlist"


class FollowKind(enum.StrEnum):
    ARTIST = "artist"
    USER = "user"
    PLAYLIST = "playlist"


def _edge(name: str, target_table: str) -> Table:
    return Table(
        name,
        Base.metadata,
        Column("user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        Column("target_id", UUID(as_uuid=True), ForeignKey(f"{target_table}.id", ondelete="CASCADE"), primary_key=True),
        Column("created_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
        # Counting and fanning out by target ("who follows this artist") reads this index.
        Index(f"ix_{name}_target", "target_id", "user_id"),
    )


SONG_LIKES = _edge("song_likes", "songs")
ALBUM_LIKES = _edge("album_likes", "albums")
PLAYLIST_LIKES = _edge("playlist_likes", "playlists")
ARTIST_FOLLOWS = _edge("artist_follows", "artists")
USER_FOLLOWS = _edge("user_follows", "users")
PLAYLIST_FOLLOWS = _edge("playlist_follows", "playlists")

LIKE_TABLES: dict[LikeKind, Table] = {
    LikeKind.SONG: SONG_LIKES,
    LikeKind.ALBUM: ALBUM_LIKES,
    LikeKind.PLAYLIST: PLAYLIST_LIKES,
}
FOLLOW_TABLES: dict[FollowKind, Table] = {
    FollowKind.ARTIST: ARTIST_FOLLOWS,
    FollowKind.USER: USER_FOLLOWS,
    FollowKind.PLAYLIST: PLAYLIST_FOLLOWS,
}
