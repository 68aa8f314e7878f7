"""Assignment submissions: a student's recording handed in to an ``assignment`` block.

The recording is the student's own (the upload path made it); the submission only points at it.
Deleting the course (or the block) removes the submission rows and leaves the recordings to
their owners; deleting the recording removes its submission.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Timestamps, UUIDPrimaryKey


class Submission(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("block_id", "student_id", name="uq_submissions_block_student"),
        CheckConstraint("grade IS NULL OR (grade >= 0 AND grade <= 100)", name="grade"),
    )

    block_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("content_blocks.id", ondelete="CASCADE"))
    student_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recording_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    grade: Mapped[int | None] = mapped_column(Integer)
    feedback: Mapped[str | None] = mapped_column(Text)
    graded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
