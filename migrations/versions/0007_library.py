"""the music library: catalogue (genres, artists, albums, songs, credits), song audio, pieces;
playlists (several owners, ordered items), likes and follows, users.follower_count

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLES = "'performer', 'composer', 'lyricist', 'arranger', 'producer', 'engineer'"


def _id() -> sa.Column:
    return sa.Column("id", sa.UUID(), nullable=False)


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    ]


def _created_by(table: str) -> sa.Column:
    return sa.Column(
        "created_by",
        sa.UUID(),
        sa.ForeignKey("users.id", name=f"fk_{table}_created_by_users", ondelete="SET NULL"),
        nullable=True,
    )


def _counter(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), server_default="0", nullable=False)


def _link(table: str, left: str, right: str) -> None:
    op.create_table(
        table,
        sa.Column(f"{left}_id", sa.UUID(), nullable=False),
        sa.Column(f"{right}_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            [f"{left}_id"], [f"{left}s.id"], name=f"fk_{table}_{left}_id_{left}s", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            [f"{right}_id"], [f"{right}s.id"], name=f"fk_{table}_{right}_id_{right}s", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(f"{left}_id", f"{right}_id", name=f"pk_{table}"),
    )
    op.create_index(f"ix_{table}_{right}_id", table, [f"{right}_id"])


#: (edge table, target table) of every like and follow.
EDGES = (
    ("song_likes", "songs"),
    ("album_likes", "albums"),
    ("playlist_likes", "playlists"),
    ("artist_follows", "artists"),
    ("user_follows", "users"),
    ("playlist_follows", "playlists"),
)


def _now() -> sa.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    _upgrade_catalogue()
    _upgrade_playlists()


def _upgrade_catalogue() -> None:
    op.create_table(
        "genres",
        _id(),
        sa.Column("name", sa.String(length=60), nullable=False),
        _created_by("genres"),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_genres"),
    )
    op.create_index("uq_genres_name_lower", "genres", [sa.text("lower(name)")], unique=True)
    op.create_index("ix_genres_created_by", "genres", ["created_by"])

    op.create_table(
        "artists",
        _id(),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("bio", sa.Text(), nullable=True),
        _created_by("artists"),
        _counter("follower_count"),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_artists"),
    )
    op.create_index("ix_artists_name", "artists", ["name"])
    op.create_index("ix_artists_created_by", "artists", ["created_by"])

    op.create_table(
        "albums",
        _id(),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("release_year", sa.Integer(), nullable=True),
        sa.Column("cover_key", sa.String(length=400), nullable=True),
        sa.Column("cover_status", sa.String(length=16), nullable=True),
        sa.Column("cover_error_code", sa.String(length=64), nullable=True),
        sa.Column("cover_updated_at", sa.DateTime(timezone=True), nullable=True),
        _created_by("albums"),
        _counter("like_count"),
        *_timestamps(),
        sa.CheckConstraint("release_year BETWEEN 1000 AND 2100", name="ck_albums_release_year_range"),
        sa.PrimaryKeyConstraint("id", name="pk_albums"),
    )
    op.create_index("ix_albums_title", "albums", ["title"])
    op.create_index("ix_albums_created_by", "albums", ["created_by"])

    op.create_table(
        "album_artists",
        sa.Column("album_id", sa.UUID(), nullable=False),
        sa.Column("artist_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["album_id"], ["albums.id"], name="fk_album_artists_album_id_albums", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["artist_id"], ["artists.id"], name="fk_album_artists_artist_id_artists", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("album_id", "artist_id", name="pk_album_artists"),
    )
    op.create_index("ix_album_artists_artist_id", "album_artists", ["artist_id"])

    op.create_table(
        "songs",
        _id(),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("album_id", sa.UUID(), nullable=True),
        sa.Column("track_number", sa.Integer(), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("recording_id", sa.UUID(), nullable=True),
        sa.Column("pending_recording_id", sa.UUID(), nullable=True),
        _created_by("songs"),
        _counter("like_count"),
        *_timestamps(),
        sa.CheckConstraint("track_number > 0", name="ck_songs_track_number_positive"),
        sa.ForeignKeyConstraint(["album_id"], ["albums.id"], name="fk_songs_album_id_albums", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["recording_id"], ["recordings.id"], name="fk_songs_recording_id_recordings", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["pending_recording_id"],
            ["recordings.id"],
            name="fk_songs_pending_recording_id_recordings",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_songs"),
    )
    for column in ("title", "album_id", "recording_id", "pending_recording_id", "created_by"):
        op.create_index(f"ix_songs_{column}", "songs", [column])

    op.create_table(
        "song_credits",
        sa.Column("song_id", sa.UUID(), nullable=False),
        sa.Column("artist_id", sa.UUID(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint(f"role IN ({_ROLES})", name="ck_song_credits_role_known"),
        sa.ForeignKeyConstraint(["song_id"], ["songs.id"], name="fk_song_credits_song_id_songs", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["artist_id"], ["artists.id"], name="fk_song_credits_artist_id_artists", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("song_id", "artist_id", "role", name="pk_song_credits"),
    )
    op.create_index("ix_song_credits_artist_id", "song_credits", ["artist_id"])

    _link("artist_genres", "artist", "genre")
    _link("album_genres", "album", "genre")
    _link("song_genres", "song", "genre")

    op.add_column(
        "recordings", sa.Column("purpose", sa.String(length=16), server_default="practice", nullable=False)
    )
    op.add_column("recordings", sa.Column("piece_song_id", sa.UUID(), nullable=True))
    op.create_foreign_key(
        "fk_recordings_piece_song_id_songs", "recordings", "songs", ["piece_song_id"], ["id"], ondelete="SET NULL"
    )
    op.create_index("ix_recordings_piece_song_id", "recordings", ["piece_song_id"])


def _upgrade_playlists() -> None:
    op.add_column("users", sa.Column("follower_count", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "playlists",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("created_by", UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("like_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("follower_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_playlists"),
    )
    op.create_table(
        "playlist_members",
        sa.Column("playlist_id", UUID(as_uuid=True), sa.ForeignKey("playlists.id", ondelete="CASCADE")),
        sa.Column("user_id", UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="CASCADE")),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.PrimaryKeyConstraint("playlist_id", "user_id", name="pk_playlist_members"),
    )
    op.create_index("ix_playlist_members_user", "playlist_members", ["user_id"])
    op.create_table(
        "playlist_items",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("playlist_id", UUID(as_uuid=True), sa.ForeignKey("playlists.id", ondelete="CASCADE"), nullable=False),
        sa.Column("song_id", UUID(as_uuid=True), sa.ForeignKey("songs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("added_by", UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_playlist_items"),
        # Checked at commit: a move shifts a run of positions in one UPDATE, through duplicates.
        sa.UniqueConstraint(
            "playlist_id", "position", name="uq_playlist_items_position", deferrable=True, initially="DEFERRED"
        ),
    )
    op.create_index("ix_playlist_items_song", "playlist_items", ["song_id"])
    for name, target in EDGES:
        op.create_table(
            name,
            sa.Column("user_id", UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="CASCADE")),
            sa.Column("target_id", UUID(as_uuid=True), sa.ForeignKey(f"{target}.id", ondelete="CASCADE")),
            sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
            sa.PrimaryKeyConstraint("user_id", "target_id", name=f"pk_{name}"),
        )
        op.create_index(f"ix_{name}_target", name, ["target_id", "user_id"])


def downgrade() -> None:
    for name, _ in reversed(EDGES):
        op.drop_table(name)
    op.drop_table("playlist_items")
    op.drop_table("playlist_members")
    op.drop_table("playlists")
    op.drop_column("users", "follower_count")
    op.drop_index("ix_recordings_piece_song_id", table_name="recordings")
    op.drop_constraint("fk_recordings_piece_song_id_songs", "recordings", type_="foreignkey")
    op.drop_column("recordings", "piece_song_id")
    op.drop_column("recordings", "purpose")
    for table in ("song_genres", "album_genres", "artist_genres", "song_credits", "songs", "album_artists"):
        op.drop_table(table)
    for table in ("albums", "artists", "genres"):
        op.drop_table(table)
