"""Playlists with several owners: the playlist, its members (owner | editor) and its ordered items."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from core.ids import utcnow
from storage.models.base import Base, Timestamps, UUIDPrimaryKey


class PlaylistRole(enum.StrEnum):
    OWNER = "owner"  # manages members, deletes, edits
    EDITOR = "editor"  # adds, moves and removes items


class Playlist(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "playlists"

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Kept by the like/follow writes in their own transaction (api.social).
    like_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    follower_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class PlaylistMember(Base):
    __tablename__ = "playlist_members"
    __table_args__ = (Index("ix_playlist_members_user", "user_id"),)

    playlist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("playlists.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())


class PlaylistItem(UUIDPrimaryKey, Base):
    """One song at one position (0-based). Positions of a playlist are 0..n-1 after every write.

    The unique (playlist_id, position) is checked at commit (deferrable, initially deferred): a
    move shifts a run of items by one in a single UPDATE, which passes through duplicates.
    """

    __tablename__ = "playlist_items"
    __table_args__ = (
        UniqueConstraint(
            "playlist_id", "position", name="uq_playlist_items_position", deferrable=True, initially="DEFERRED"
        ),
        Index("ix_playlist_items_song", "song_id"),
    )

    playlist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("playlists.id", ondelete="CASCADE"))
    #: A deleted song leaves its playlists (the next item write closes the gap in positions).
    song_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("songs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
