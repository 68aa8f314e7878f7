"""playlists (several owners, ordered items), likes and follows, users.follower_count

Revision ID: 0007p
Revises: 0007
Create Date: 2026-12-01 15:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0007p"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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
        sa.Column(
            "playlist_id", UUID(as_uuid=True), sa.ForeignKey("playlists.id", ondelete="CASCADE"), nullable=False
        ),
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
