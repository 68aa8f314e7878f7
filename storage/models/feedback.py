"""Review and feedback: timestamped comments, teachers' assessments, share links, daily views."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Timestamps, UUIDPrimaryKey


class CommentCategory(enum.StrEnum):
    TECHNIQUE = "technique"
    INTONATION = "intonation"
    RHYTHM = "rhythm"
    TONE = "tone"
    MUSICALITY = "musicality"
    EXPRESSION = "expression"
    POSTURE = "posture"
    GENERAL = "general"


class Comment(UUIDPrimaryKey, Timestamps, Base):
    """A comment on a moment (``at_seconds``) or a span (to ``end_seconds``) of a recording.

    A thread is a top-level comment (``parent_id`` NULL) and its replies, which all point at it
    and carry its moment, so a page of threads is read by ``(recording_id, parent_id, at_seconds)``.
    """

    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint("at_seconds >= 0 AND (end_seconds IS NULL OR end_seconds >= at_seconds)", name="span"),
        # A reply is on its thread's recording, whatever the code above does: (parent, recording)
        # must name a comment of the same recording.
        UniqueConstraint("id", "recording_id", name="uq_comments_id_recording"),
        ForeignKeyConstraint(
            ["parent_id", "recording_id"],
            ["comments.id", "comments.recording_id"],
            name="fk_comments_thread",
            ondelete="CASCADE",
        ),
        Index("ix_comments_thread_order", "recording_id", "parent_id", "at_seconds"),
        Index("ix_comments_parent", "parent_id", "created_at"),
    )

    recording_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))  # the thread (fk_comments_thread)
    body: Mapped[str | None] = mapped_column(Text)  # NULL once deleted (a tombstone keeping its thread)
    at_seconds: Mapped[float] = mapped_column(Float)
    end_seconds: Mapped[float | None] = mapped_column(Float)
    category: Mapped[str | None] = mapped_column(String(16))
    resolved: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")


class Assessment(UUIDPrimaryKey, Base):
    """A teacher's assessment of a student's recording: a progress record."""

    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
        CheckConstraint(
            "(technique IS NULL OR technique BETWEEN 1 AND 100)"
            " AND (musicality IS NULL OR musicality BETWEEN 1 AND 100)"
            " AND (rhythm IS NULL OR rhythm BETWEEN 1 AND 100) AND (overall IS NULL OR overall BETWEEN 1 AND 100)",
            name="scores",
        ),
        Index("ix_assessments_student_created", "student_id", "created_at"),
        Index("ix_assessments_recording_created", "recording_id", "created_at"),
    )

    recording_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"))
    teacher_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    rating: Mapped[int] = mapped_column(SmallInteger)
    technique: Mapped[int | None] = mapped_column(SmallInteger)
    musicality: Mapped[int | None] = mapped_column(SmallInteger)
    rhythm: Mapped[int | None] = mapped_column(SmallInteger)
    overall: Mapped[int | None] = mapped_column(SmallInteger)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ShareLink(UUIDPrimaryKey, Base):
    """A bearer link to one recording, until it expires or is deleted. Only the token's SHA-256 is kept."""

    __tablename__ = "share_links"

    recording_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class RecordingViewDay(Base):
    """One signed-in viewer (not the owner) saw the recording's detail on this UTC day: counted once."""

    __tablename__ = "recording_views"

    recording_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"), primary_key=True)
    viewer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
