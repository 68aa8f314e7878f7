"""The peer's response models (Pydantic v2): the same JSON as Cadenza's bodies."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel


class RenditionOut(BaseModel):
    name: str
    content_type: str
    width: int | None
    height: int | None
    bitrate: int | None
    size_bytes: int
    duration_seconds: float | None
    url: str


class RecordingLinks(BaseModel):
    self: str
    job: str | None
    events: str


class PieceSongOut(BaseModel):
    id: uuid.UUID
    title: str | None


class RecordingOut(BaseModel):
    id: uuid.UUID
    owner_id: uuid.UUID
    title: str
    description: str | None
    piece: str | None
    composer: str | None
    status: str
    media_kind: str | None
    original_filename: str | None
    size_bytes: int
    duration_seconds: float | None
    width: int | None
    height: int | None
    error_code: str | None
    error_message: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    ready_at: dt.datetime | None
    job_id: uuid.UUID | None
    renditions: list[RenditionOut]
    thumbnail_url: str | None
    poster_url: str | None
    waveform_url: str | None
    links: RecordingLinks
    is_public: bool
    practice_goals: str | None
    view_count: int
    permissions: list[str]
    piece_song: PieceSongOut | None


class RecordingPage(BaseModel):
    items: list[RecordingOut]
    total: int
    limit: int
    offset: int


class StepOut(BaseModel):
    name: str
    queue: str
    state: str
    progress: float
    attempts: int
    max_attempts: int
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error_code: str | None
    error_message: str | None


class JobOut(BaseModel):
    id: uuid.UUID
    recording_id: uuid.UUID
    plan: str
    state: str
    progress: float
    error_code: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    steps: list[StepOut]
