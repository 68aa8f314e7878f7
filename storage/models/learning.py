"""Learning (DESIGN §10): courses, ordered chapters and content blocks, enrolment, progress, plans.

Positions are 1-based and dense inside their parent (a course's chapters, a chapter's blocks).
Their unique constraints are DEFERRABLE: a reorder shifts many rows in one transaction and
only the final state has to be unique (checked at commit).
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from core.ids import utcnow
from storage.models.base import Base, Timestamps, UUIDPrimaryKey


class BlockKind(enum.StrEnum):
    TEXT = "text"
    VIDEO = "video"
    AUDIO = "audio"
    FILE = "file"
    QUIZ = "quiz"
    ASSIGNMENT = "assignment"


class Plan(enum.StrEnum):
    FREE = "free"
    PREMIUM = "premium"


class SubscriptionStatus(enum.StrEnum):
    ACTIVE = "active"
    CANCELED = "canceled"


class Course(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "courses"
    __table_args__ = (Index("ix_courses_published_instrument", "is_published", "instrument"),)

    teacher_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    instrument: Mapped[str | None] = mapped_column(String(40))
    level: Mapped[str | None] = mapped_column(String(16))
    schedule: Mapped[str | None] = mapped_column(String(200))
    is_published: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    is_premium: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")


class CoursePrerequisite(Base):
    """``course_id`` may be enrolled in once every chapter of ``prerequisite_id`` is completed."""

    __tablename__ = "course_prerequisites"
    __table_args__ = (CheckConstraint("course_id <> prerequisite_id", name="not_self"),)

    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    prerequisite_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Chapter(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "chapters"
    __table_args__ = (
        UniqueConstraint(
            "course_id", "position", name="uq_chapters_course_position", deferrable=True, initially="IMMEDIATE"
        ),
        CheckConstraint("position >= 1", name="position_positive"),
    )

    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    #: Markdown as written by the teacher; ``content_html`` is its sanitised rendering.
    content: Mapped[str | None] = mapped_column(Text)
    content_html: Mapped[str | None] = mapped_column(Text)


class ContentBlock(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "content_blocks"
    __table_args__ = (
        UniqueConstraint(
            "chapter_id", "position", name="uq_content_blocks_chapter_position", deferrable=True, initially="IMMEDIATE"
        ),
        CheckConstraint("position >= 1", name="position_positive"),
        CheckConstraint("kind IN ('text', 'video', 'audio', 'file', 'quiz', 'assignment')", name="kind"),
    )

    chapter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    #: A media block's recording (made by the pipeline); the recording outlives the block.
    recording_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("recordings.id", ondelete="SET NULL"), index=True
    )
    #: No foreign key here: the quizzes migration adds it with the ``quizzes`` table.
    quiz_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), index=True)
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Enrollment(Base):
    __tablename__ = "enrollments"

    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    enrolled_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    last_accessed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: The teacher who added the student, or the student themself.
    added_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ChapterCompletion(Base):
    __tablename__ = "chapter_completions"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    chapter_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("chapters.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    completed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())


class Subscription(UUIDPrimaryKey, Timestamps, Base):
    """A user's plan, set by an admin; premium counts while active and before ``period_end``."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        CheckConstraint("plan IN ('free', 'premium')", name="plan"),
        CheckConstraint("status IN ('active', 'canceled')", name="status"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    plan: Mapped[str] = mapped_column(String(16), default=Plan.FREE)
    status: Mapped[str] = mapped_column(String(16), default=SubscriptionStatus.ACTIVE)
    period_end: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class LearningDay(Base):
    """A day (in the user's time zone) with some learning activity: the streak is made of these."""

    __tablename__ = "learning_days"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    #: The day's latest activity, so a streak reset earlier the same day can tell later activity apart.
    last_activity_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
