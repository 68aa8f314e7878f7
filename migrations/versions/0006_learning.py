"""learning: courses, chapters, content blocks, enrolments, completions, subscriptions, streaks

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01 15:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    ]


def _user_fk(table: str, column: str = "user_id", ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete)


def upgrade() -> None:
    op.add_column("users", sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False))
    op.add_column("users", sa.Column("streak_reset_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "courses",
        sa.Column("teacher_id", sa.UUID(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("instrument", sa.String(length=40), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("schedule", sa.String(length=200), nullable=True),
        sa.Column("is_published", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("is_premium", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        *_timestamps(),
        _user_fk("courses", "teacher_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
    )
    op.create_index(op.f("ix_courses_teacher_id"), "courses", ["teacher_id"], unique=False)
    op.create_index("ix_courses_published_instrument", "courses", ["is_published", "instrument"], unique=False)
    op.create_table(
        "course_prerequisites",
        sa.Column("course_id", sa.UUID(), nullable=False),
        sa.Column("prerequisite_id", sa.UUID(), nullable=False),
        sa.CheckConstraint("course_id <> prerequisite_id", name=op.f("ck_course_prerequisites_not_self")),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_course_prerequisites_course_id_courses"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["prerequisite_id"],
            ["courses.id"],
            name=op.f("fk_course_prerequisites_prerequisite_id_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("course_id", "prerequisite_id", name=op.f("pk_course_prerequisites")),
    )
    op.create_index(
        op.f("ix_course_prerequisites_prerequisite_id"), "course_prerequisites", ["prerequisite_id"], unique=False
    )
    op.create_table(
        "chapters",
        sa.Column("course_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("content_html", sa.Text(), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("position >= 1", name=op.f("ck_chapters_position_positive")),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_chapters_course_id_courses"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chapters")),
        sa.UniqueConstraint(
            "course_id", "position", name="uq_chapters_course_position", deferrable=True, initially="IMMEDIATE"
        ),
    )
    op.create_table(
        "content_blocks",
        sa.Column("chapter_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("recording_id", sa.UUID(), nullable=True),
        sa.Column("quiz_id", sa.UUID(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("position >= 1", name=op.f("ck_content_blocks_position_positive")),
        sa.CheckConstraint(
            "kind IN ('text', 'video', 'audio', 'file', 'quiz', 'assignment')", name=op.f("ck_content_blocks_kind")
        ),
        sa.ForeignKeyConstraint(
            ["chapter_id"], ["chapters.id"], name=op.f("fk_content_blocks_chapter_id_chapters"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recordings.id"],
            name=op.f("fk_content_blocks_recording_id_recordings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_blocks")),
        sa.UniqueConstraint(
            "chapter_id",
            "position",
            name="uq_content_blocks_chapter_position",
            deferrable=True,
            initially="IMMEDIATE",
        ),
    )
    op.create_index(op.f("ix_content_blocks_recording_id"), "content_blocks", ["recording_id"], unique=False)
    op.create_index(op.f("ix_content_blocks_quiz_id"), "content_blocks", ["quiz_id"], unique=False)
    op.create_table(
        "enrollments",
        sa.Column("course_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("last_accessed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("added_by", sa.UUID(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_enrollments_course_id_courses"), ondelete="CASCADE"
        ),
        _user_fk("enrollments"),
        _user_fk("enrollments", "added_by", "SET NULL"),
        sa.PrimaryKeyConstraint("course_id", "user_id", name=op.f("pk_enrollments")),
    )
    op.create_index(op.f("ix_enrollments_user_id"), "enrollments", ["user_id"], unique=False)
    op.create_table(
        "chapter_completions",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("chapter_id", sa.UUID(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["chapter_id"], ["chapters.id"], name=op.f("fk_chapter_completions_chapter_id_chapters"), ondelete="CASCADE"
        ),
        _user_fk("chapter_completions"),
        sa.PrimaryKeyConstraint("user_id", "chapter_id", name=op.f("pk_chapter_completions")),
    )
    op.create_index(op.f("ix_chapter_completions_chapter_id"), "chapter_completions", ["chapter_id"], unique=False)
    op.create_table(
        "subscriptions",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("plan", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("plan IN ('free', 'premium')", name=op.f("ck_subscriptions_plan")),
        sa.CheckConstraint("status IN ('active', 'canceled')", name=op.f("ck_subscriptions_status")),
        _user_fk("subscriptions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint("user_id", name=op.f("uq_subscriptions_user_id")),
    )
    op.create_table(
        "learning_days",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        _user_fk("learning_days"),
        sa.PrimaryKeyConstraint("user_id", "day", name=op.f("pk_learning_days")),
    )


def downgrade() -> None:
    for table in (
        "learning_days",
        "subscriptions",
        "chapter_completions",
        "enrollments",
        "content_blocks",
        "chapters",
        "course_prerequisites",
        "courses",
    ):
        op.drop_table(table)
    op.drop_column("users", "streak_reset_at")
    op.drop_column("users", "time_zone")
