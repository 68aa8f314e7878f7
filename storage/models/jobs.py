"""Processing jobs, their ordered steps, and the transactional outbox."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from sqlalchemy import BigInteger, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from core.ids import utcnow
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, Timestamps, UUIDPrimaryKey


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class StepState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"


class Job(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "jobs"

    recording_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    plan: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default=JobState.QUEUED, index=True)
    error_code: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: A file replacement's new original and the results of its steps so far (``jobs.staging``);
    #: the recording keeps serving its old media until finalize swaps these in. None otherwise.
    staged: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

    steps: Mapped[list[JobStep]] = relationship(
        back_populates="job", cascade="all, delete-orphan", lazy="selectin", order_by="JobStep.position"
    )


class JobStep(UUIDPrimaryKey, Base):
    __tablename__ = "job_steps"
    __table_args__ = (UniqueConstraint("job_id", "name", name="uq_job_steps_job_name"),)

    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    queue: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    requires: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list)
    state: Mapped[str] = mapped_column(String(16), default=StepState.QUEUED, index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    enqueued_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    worker: Mapped[str | None] = mapped_column(String(200))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)

    job: Mapped[Job] = relationship(back_populates="steps")


class OutboxMessage(Base):
    """A broker message written in the same transaction as the state that calls for it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "available_at", postgresql_where="sent_at IS NULL"),
        Index("ix_outbox_untaken", "actor_name", postgresql_where="taken_at IS NULL"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    message_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), unique=True)
    queue_name: Mapped[str] = mapped_column(String(32))
    actor_name: Mapped[str] = mapped_column(String(64))
    #: The task's arguments as a JSON object (``jobs.tasks``); a list in rows of older versions.
    args: Mapped[dict[str, Any] | list[Any]] = mapped_column(JSONB, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    available_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: When a worker took the message (tasks other than pipeline steps), or when a newer row
    #: replaced it: sent and not taken means it lives only in the broker (``jobs.recovery``).
    taken_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
