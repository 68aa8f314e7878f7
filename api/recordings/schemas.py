"""Recording and share bodies. Create comes as multipart form fields; update is a PATCH with UNSET defaults."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from api.fields import line, text
from storage.repositories.recording_reads import PieceSongView

Title = Annotated[str, line(min_length=1, max_length=200)]
ShortText = Annotated[str, line(max_length=200)]
LongText = Annotated[str, text(max_length=5000)]


class RecordingFields(msgspec.Struct, forbid_unknown_fields=True):
    """The text fields of an upload form, validated like a JSON body."""

    title: Title | None = None
    description: LongText | None = None
    piece: ShortText | None = None
    composer: ShortText | None = None


class RecordingUpdate(msgspec.Struct, forbid_unknown_fields=True):
    title: Title | msgspec.UnsetType = msgspec.UNSET
    description: LongText | None | msgspec.UnsetType = msgspec.UNSET
    piece: ShortText | None | msgspec.UnsetType = msgspec.UNSET
    composer: ShortText | None | msgspec.UnsetType = msgspec.UNSET
    #: Owner only: any signed-in user may then view the recording.
    is_public: bool | msgspec.UnsetType = msgspec.UNSET
    #: What the student works on in this recording (teachers read it before commenting).
    practice_goals: LongText | None | msgspec.UnsetType = msgspec.UNSET
    #: The catalogue song this recording practises (null: none); 422 ``unknown_song``.
    piece_song_id: uuid.UUID | None | msgspec.UnsetType = msgspec.UNSET


class RenditionOut(msgspec.Struct):
    name: str
    content_type: str
    width: int | None
    height: int | None
    bitrate: int | None
    size_bytes: int
    duration_seconds: float | None
    url: str


class RecordingLinks(msgspec.Struct):
    self: str
    job: str | None
    events: str


class RecordingOut(msgspec.Struct):
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
    #: Views of the detail by other signed-in users, once per viewer per UTC day.
    view_count: int
    #: What the caller may do: view, update, publish, delete, share.
    permissions: list[str]
    #: The catalogue song it practises: ``{id, title}``, or null.
    piece_song: PieceSongView | None = None


class RecordingPage(msgspec.Struct):
    items: list[RecordingOut]
    total: int
    limit: int
    offset: int


class ShareCreate(msgspec.Struct, forbid_unknown_fields=True):
    """The recipient, by ``user_id`` or by ``username``: exactly one (422 ``validation_error``)."""

    user_id: uuid.UUID | None = None
    username: Annotated[str, line(min_length=1, max_length=40)] | None = None


class ShareOut(msgspec.Struct):
    recording_id: uuid.UUID
    user_id: uuid.UUID
    username: str
    display_name: str | None
    created_at: dt.datetime


class SharePage(msgspec.Struct):
    items: list[ShareOut]
    total: int
    limit: int
    offset: int
