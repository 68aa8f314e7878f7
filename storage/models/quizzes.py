"""A course's quizzes and the attempts at them (DESIGN §10).

The questions, answers included, are one JSONB document per quiz: they are always read and
graded whole, and never queried one by one. An attempt keeps the answers given and the result
per question, so a later change of grading rules does not rewrite history.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from core.ids import utcnow
from storage.models.base import Base, Timestamps, UUIDPrimaryKey


class Quiz(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "quizzes"
    __table_args__ = (CheckConstraint("passing_score >= 0 AND passing_score <= 1", name="passing_score"),)

    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    passing_score: Mapped[float] = mapped_column(Float, default=0.7)
    max_attempts: Mapped[int | None] = mapped_column(Integer)
    is_premium: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    #: ``[{id, text, kind, options, answer, points}]`` in the quiz's order.
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    max_score: Mapped[int] = mapped_column(Integer)


class QuizAttempt(UUIDPrimaryKey, Base):
    __tablename__ = "quiz_attempts"
    __table_args__ = (
        # Two concurrent attempts cannot both be the n-th: the limit holds without a lock.
        UniqueConstraint("quiz_id", "user_id", "attempt_number", name="uq_quiz_attempts_quiz_user_number"),
        Index("ix_quiz_attempts_user_created", "user_id", "created_at"),
    )

    quiz_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    attempt_number: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONB)
    #: ``[{id, correct}]`` in the quiz's order.
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    score: Mapped[int] = mapped_column(Integer)
    max_score: Mapped[int] = mapped_column(Integer)
    fraction: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
