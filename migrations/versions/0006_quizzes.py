"""quizzes: quizzes, quiz attempts, assignment submissions; content_blocks.quiz_id's foreign key

Revision ID: 0006q
Revises: 0006
Create Date: 2026-12-01 15:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006q"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    ]


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "quizzes",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("course_id", sa.UUID(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("passing_score", sa.Float(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=True),
        sa.Column("is_premium", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("questions", postgresql.JSONB(), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("passing_score >= 0 AND passing_score <= 1", name=op.f("ck_quizzes_passing_score")),
        _fk("quizzes", "course_id", "courses"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quizzes")),
    )
    op.create_index(op.f("ix_quizzes_course_id"), "quizzes", ["course_id"], unique=False)
    op.create_table(
        "quiz_attempts",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("quiz_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("attempt_number", sa.Integer(), nullable=False),
        sa.Column("answers", postgresql.JSONB(), nullable=False),
        sa.Column("results", postgresql.JSONB(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.Column("fraction", sa.Float(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        _fk("quiz_attempts", "quiz_id", "quizzes"),
        _fk("quiz_attempts", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_attempts")),
        sa.UniqueConstraint("quiz_id", "user_id", "attempt_number", name="uq_quiz_attempts_quiz_user_number"),
    )
    op.create_index("ix_quiz_attempts_user_created", "quiz_attempts", ["user_id", "created_at"], unique=False)
    op.create_foreign_key(
        op.f("fk_content_blocks_quiz_id_quizzes"), "content_blocks", "quizzes", ["quiz_id"], ["id"], ondelete="SET NULL"
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("block_id", sa.UUID(), nullable=False),
        sa.Column("student_id", sa.UUID(), nullable=False),
        sa.Column("recording_id", sa.UUID(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        sa.CheckConstraint("grade IS NULL OR (grade >= 0 AND grade <= 100)", name=op.f("ck_submissions_grade")),
        _fk("submissions", "block_id", "content_blocks"),
        _fk("submissions", "student_id", "users"),
        _fk("submissions", "recording_id", "recordings"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint("block_id", "student_id", name="uq_submissions_block_student"),
    )
    op.create_index(op.f("ix_submissions_student_id"), "submissions", ["student_id"], unique=False)
    op.create_index(op.f("ix_submissions_recording_id"), "submissions", ["recording_id"], unique=False)


def downgrade() -> None:
    op.drop_table("submissions")
    op.drop_constraint(op.f("fk_content_blocks_quiz_id_quizzes"), "content_blocks", type_="foreignkey")
    op.drop_table("quiz_attempts")
    op.drop_table("quizzes")
