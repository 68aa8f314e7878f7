"""The music catalogue (DESIGN §11): genres, artists, albums, songs and their credits.

Songs, albums and artists outlive the account that catalogued them (``created_by`` is set to
NULL when it is deleted). A song's audio is a recording of the media pipeline
(``Recording.purpose == "song_audio"``) owned by its uploader: ``recording_id`` is the one
served, ``pending_recording_id`` an upload still processing (or the last one that failed), so
a replaced audio stays served until the new one is ready. ``like_count`` and
``follower_count`` are kept by the playlists domain.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.ids import utcnow
from storage.models.base import Base, Timestamps, UUIDPrimaryKey

#: Bounds of ``albums.release_year`` (the API refuses others with 422 before the check does).
MIN_RELEASE_YEAR = 1000
MAX_RELEASE_YEAR = 2100


class CreditRole(enum.StrEnum):
    PERFORMER = "performer"
    COMPOSER = "composer"
    LYRICIST = "lyricist"
    ARRANGER = "arranger"
    PRODUCER = "producer"
    ENGINEER = "engineer"


_ROLES = ", ".join(f"'{r.value}'" for r in CreditRole)


def _link_table(name: str, left: str, right: str) -> Table:
    """A many-to-many table of two ids, both cascading, with the right side indexed."""
    return Table(
        name,
        Base.metadata,
        Column(f"{left}_id", ForeignKey(f"{left}s.id", ondelete="CASCADE"), primary_key=True),
        Column(f"{right}_id", ForeignKey(f"{right}s.id", ondelete="CASCADE"), primary_key=True, index=True),
    )


artist_genres = _link_table("artist_genres", "artist", "genre")
album_genres = _link_table("album_genres", "album", "genre")
song_genres = _link_table("song_genres", "song", "genre")


class Genre(UUIDPrimaryKey, Base):
    __tablename__ = "genres"
    __table_args__ = (Index("uq_genres_name_lower", text("lower(name)"), unique=True),)

    name: Mapped[str] = mapped_column(String(60))
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())


class Artist(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "artists"

    name: Mapped[str] = mapped_column(String(200), index=True)
    bio: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    follower_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Album(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "albums"
    __table_args__ = (
        CheckConstraint(
            f"release_year BETWEEN {MIN_RELEASE_YEAR} AND {MAX_RELEASE_YEAR}", name="release_year_range"
        ),
    )

    title: Mapped[str] = mapped_column(String(200), index=True)
    release_year: Mapped[int | None] = mapped_column(Integer)
    #: The served cover (``albums/{id}/cover.jpg``; its thumbnail beside it), set once rendered.
    cover_key: Mapped[str | None] = mapped_column(String(400))
    #: The latest cover upload: processing, ready or failed (NULL: none), and why it failed.
    cover_status: Mapped[str | None] = mapped_column(String(16))
    cover_error_code: Mapped[str | None] = mapped_column(String(64))
    #: When the latest upload (or removal) happened: the images worker's token for "still current".
    cover_updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    like_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AlbumArtist(Base):
    """An artist of an album, in billing order (``position`` from 0)."""

    __tablename__ = "album_artists"

    album_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("albums.id", ondelete="CASCADE"), primary_key=True)
    artist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Song(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "songs"
    __table_args__ = (CheckConstraint("track_number > 0", name="track_number_positive"),)

    #: NULL until given, or filled from the audio file's tags.
    title: Mapped[str | None] = mapped_column(String(200), index=True)
    album_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("albums.id", ondelete="SET NULL"), index=True)
    track_number: Mapped[int | None] = mapped_column(Integer)
    #: Always the probed duration of the served audio, never a client's number.
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    recording_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("recordings.id", ondelete="SET NULL", use_alter=True), index=True
    )
    pending_recording_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("recordings.id", ondelete="SET NULL", use_alter=True), index=True
    )
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    like_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SongCredit(Base):
    """An artist's part in a song; one artist may hold several roles (one row each)."""

    __tablename__ = "song_credits"
    __table_args__ = (CheckConstraint(f"role IN ({_ROLES})", name="role_known"),)

    song_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("songs.id", ondelete="CASCADE"), primary_key=True)
    artist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
