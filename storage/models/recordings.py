"""Recordings and their renditions."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from sqlalchemy import BigInteger, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.ids import utcnow
from storage.models.base import Base, Timestamps, UUIDPrimaryKey


class RecordingStatus(enum.StrEnum):
    UPLOADING = "uploading"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"
    DELETED = "deleted"


class RecordingPurpose(enum.StrEnum):
    """What a recording is for: a practice upload (listed as the owner's recordings) or the
    audio of a catalogue song (``songs.recording_id``), processed alike and listed with the song."""

    PRACTICE = "practice"
    SONG_AUDIO = "song_audio"


class Recording(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "recordings"
    __table_args__ = (UniqueConstraint("owner_id", "idempotency_key", name="uq_recordings_owner_idempotency"),)

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    piece: Mapped[str | None] = mapped_column(String(200))
    composer: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=RecordingStatus.PROCESSING, index=True)
    media_kind: Mapped[str | None] = mapped_column(String(8))  # video | audio, known after probe
    original_key: Mapped[str] = mapped_column(String(400))
    original_filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    media_info: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    thumbnail_key: Mapped[str | None] = mapped_column(String(400))
    poster_key: Mapped[str | None] = mapped_column(String(400))
    waveform_key: Mapped[str | None] = mapped_column(String(400))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    ready_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    is_public: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    purpose: Mapped[str] = mapped_column(String(16), default=RecordingPurpose.PRACTICE, server_default="practice")
    #: The catalogue song this recording practises (DESIGN §11), if its owner named one.
    piece_song_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("songs.id", ondelete="SET NULL"), index=True)

    renditions: Mapped[list[Rendition]] = relationship(
        back_populates="recording", cascade="all, delete-orphan", lazy="selectin", order_by="Rendition.name"
    )


class Rendition(UUIDPrimaryKey, Base):
    __tablename__ = "renditions"
    __table_args__ = (UniqueConstraint("recording_id", "name", name="uq_renditions_recording_name"),)

    recording_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(16))  # hd | sd | audio
    storage_key: Mapped[str] = mapped_column(String(400))
    content_type: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    bitrate: Mapped[int | None] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    duration_seconds: Mapped[float | None] = mapped_column(Float)

    recording: Mapped[Recording] = relationship(back_populates="renditions")


class RecordingShare(Base):
    """A recording shared by its owner with one user."""

    __tablename__ = "recording_shares"

    recording_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
