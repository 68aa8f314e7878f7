"""accounts: profiles, mailed tokens, relationships, sharing

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 03:27:41.776783
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_tokens",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_account_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_tokens_token_hash")),
    )
    op.create_index(op.f("ix_account_tokens_user_id"), "account_tokens", ["user_id"], unique=False)
    op.create_table(
        "relationships",
        sa.Column("teacher_id", sa.UUID(), nullable=False),
        sa.Column("student_id", sa.UUID(), nullable=False),
        sa.Column("requested_by", sa.UUID(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("teacher_id <> student_id", name=op.f("ck_relationships_not_self")),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"], name=op.f("fk_relationships_requested_by_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_relationships_student_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"], ["users.id"], name=op.f("fk_relationships_teacher_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relationships")),
        sa.UniqueConstraint("teacher_id", "student_id", name="uq_relationships_pair"),
    )
    op.create_index("ix_relationships_student", "relationships", ["student_id", "status"], unique=False)
    op.create_index("ix_relationships_teacher", "relationships", ["teacher_id", "status"], unique=False)
    op.create_table(
        "recording_shares",
        sa.Column("recording_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recordings.id"],
            name=op.f("fk_recording_shares_recording_id_recordings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_recording_shares_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("recording_id", "user_id", name=op.f("pk_recording_shares")),
    )
    op.create_index(op.f("ix_recording_shares_user_id"), "recording_shares", ["user_id"], unique=False)
    op.add_column("recordings", sa.Column("is_public", sa.Boolean(), server_default="false", nullable=False))
    op.add_column("users", sa.Column("bio", sa.Text(), nullable=True))
    op.add_column(
        "users", sa.Column("instruments", postgresql.ARRAY(sa.String(length=40)), server_default="{}", nullable=False)
    )
    op.add_column("users", sa.Column("experience_level", sa.String(length=16), nullable=True))
    op.add_column("users", sa.Column("photo_status", sa.String(length=16), nullable=True))
    op.add_column("users", sa.Column("photo_error_code", sa.String(length=64), nullable=True))
    op.add_column("users", sa.Column("photo_updated_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("users", sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("users", sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "deactivated_at")
    op.drop_column("users", "password_changed_at")
    op.drop_column("users", "photo_updated_at")
    op.drop_column("users", "photo_error_code")
    op.drop_column("users", "photo_status")
    op.drop_column("users", "experience_level")
    op.drop_column("users", "instruments")
    op.drop_column("users", "bio")
    op.drop_column("recordings", "is_public")
    op.drop_index(op.f("ix_recording_shares_user_id"), table_name="recording_shares")
    op.drop_table("recording_shares")
    op.drop_index("ix_relationships_teacher", table_name="relationships")
    op.drop_index("ix_relationships_student", table_name="relationships")
    op.drop_table("relationships")
    op.drop_index(op.f("ix_account_tokens_user_id"), table_name="account_tokens")
    op.drop_table("account_tokens")
