"""review and feedback: comments, assessments, share links, daily recording views, practice goals,
view count; notification preferences and the in_app flag; webhooks and their delivery log;
jobs.staged (a file replacement's results, swapped in at its finalize)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 15:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    _upgrade_review()
    _upgrade_notify()
    op.add_column("jobs", sa.Column("staged", postgresql.JSONB(astext_type=sa.Text()), nullable=True))


def _upgrade_review() -> None:
    op.add_column("recordings", sa.Column("practice_goals", sa.Text(), nullable=True))
    op.add_column("recordings", sa.Column("view_count", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "comments",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("recording_id", sa.UUID(), nullable=False),
        sa.Column("author_id", sa.UUID(), nullable=False),
        sa.Column("parent_id", sa.UUID(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("at_seconds", sa.Float(), nullable=False),
        sa.Column("end_seconds", sa.Float(), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("resolved", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "at_seconds >= 0 AND (end_seconds IS NULL OR end_seconds >= at_seconds)", name=op.f("ck_comments_span")
        ),
        _fk("comments", "recording_id", "recordings"),
        _fk("comments", "author_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
        sa.UniqueConstraint("id", "recording_id", name="uq_comments_id_recording"),
        # A reply is on its thread's recording: (parent, recording) names a comment of the same recording.
        sa.ForeignKeyConstraint(
            ["parent_id", "recording_id"],
            ["comments.id", "comments.recording_id"],
            name="fk_comments_thread",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_comments_thread_order", "comments", ["recording_id", "parent_id", "at_seconds"])
    op.create_index("ix_comments_parent", "comments", ["parent_id", "created_at"])
    op.create_index(op.f("ix_comments_author_id"), "comments", ["author_id"])
    op.create_table(
        "assessments",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("recording_id", sa.UUID(), nullable=False),
        sa.Column("teacher_id", sa.UUID(), nullable=False),
        sa.Column("student_id", sa.UUID(), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("technique", sa.SmallInteger(), nullable=True),
        sa.Column("musicality", sa.SmallInteger(), nullable=True),
        sa.Column("rhythm", sa.SmallInteger(), nullable=True),
        sa.Column("overall", sa.SmallInteger(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_assessments_rating")),
        sa.CheckConstraint(
            "(technique IS NULL OR technique BETWEEN 1 AND 100)"
            " AND (musicality IS NULL OR musicality BETWEEN 1 AND 100)"
            " AND (rhythm IS NULL OR rhythm BETWEEN 1 AND 100) AND (overall IS NULL OR overall BETWEEN 1 AND 100)",
            name=op.f("ck_assessments_scores"),
        ),
        _fk("assessments", "recording_id", "recordings"),
        _fk("assessments", "teacher_id", "users"),
        _fk("assessments", "student_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    op.create_index("ix_assessments_student_created", "assessments", ["student_id", "created_at"])
    op.create_index("ix_assessments_recording_created", "assessments", ["recording_id", "created_at"])
    op.create_index(op.f("ix_assessments_teacher_id"), "assessments", ["teacher_id"])
    op.create_table(
        "share_links",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("recording_id", sa.UUID(), nullable=False),
        sa.Column("created_by", sa.UUID(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        _fk("share_links", "recording_id", "recordings"),
        _fk("share_links", "created_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_share_links_token_hash")),
    )
    op.create_index(op.f("ix_share_links_recording_id"), "share_links", ["recording_id"])
    op.create_table(
        "recording_views",
        sa.Column("recording_id", sa.UUID(), nullable=False),
        sa.Column("viewer_id", sa.UUID(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        _fk("recording_views", "recording_id", "recordings"),
        _fk("recording_views", "viewer_id", "users"),
        sa.PrimaryKeyConstraint("recording_id", "viewer_id", "day", name=op.f("pk_recording_views")),
    )


def _upgrade_notify() -> None:
    op.add_column("notifications", sa.Column("in_app", sa.Boolean(), server_default="true", nullable=False))
    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("prefs", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notification_settings_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_settings")),
    )
    op.create_table(
        "webhooks",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("events", postgresql.ARRAY(sa.String(length=48)), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_webhooks_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
    )
    op.create_index(op.f("ix_webhooks_user_id"), "webhooks", ["user_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("webhook_id", sa.UUID(), nullable=False),
        sa.Column("recording_id", sa.UUID(), nullable=True),
        sa.Column("event", sa.String(length=48), nullable=False),
        sa.Column("event_key", sa.String(length=200), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("response_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["webhook_id"], ["webhooks.id"], name=op.f("fk_webhook_deliveries_webhook_id_webhooks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recordings.id"],
            name=op.f("fk_webhook_deliveries_recording_id_recordings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint("webhook_id", "event_key", name="uq_webhook_deliveries_event"),
    )
    op.create_index(op.f("ix_webhook_deliveries_webhook_id"), "webhook_deliveries", ["webhook_id"])
    op.create_index(op.f("ix_webhook_deliveries_recording_id"), "webhook_deliveries", ["recording_id"])


def downgrade() -> None:
    op.drop_column("jobs", "staged")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhooks")
    op.drop_table("notification_settings")
    op.drop_column("notifications", "in_app")
    op.drop_table("recording_views")
    op.drop_table("share_links")
    op.drop_table("assessments")
    op.drop_table("comments")
    op.drop_column("recordings", "view_count")
    op.drop_column("recordings", "practice_goals")
