"""Recording reads in one statement: the detail and a page of a list, with the caller's account.

Each recording comes back with its renditions, its latest job id and whether it is shared with
the caller: every fact its body and the recording policy need (owner, public, shared).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    String,
    bindparam,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import UUID, aggregate_order_by, insert

from storage.db import ReadDatabase
from storage.models.feedback import RecordingViewDay
from storage.models.jobs import Job
from storage.models.library import Song
from storage.models.recordings import Recording, RecordingPurpose, RecordingShare, RecordingStatus, Rendition
from storage.models.users import Role, User
from storage.repositories.reads import (
    CallerRow,
    CompiledRead,
    as_text,
    caller_json,
    decode,
    json_object,
    json_page,
    table_columns,
)
from storage.repositories.submissions import taught_submission


class RenditionView(msgspec.Struct, frozen=True):
    name: str
    content_type: str
    width: int | None
    height: int | None
    bitrate: int | None
    size_bytes: int
    duration_seconds: float | None
    storage_key: str


class PieceSongView(msgspec.Struct, frozen=True):
    """The catalogue song a recording practises (``recordings.piece_song_id``)."""

    id: uuid.UUID
    title: str | None


class RecordingView(msgspec.Struct, frozen=True):
    """A recording with what its body and the policy need, relative to the caller."""

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
    is_public: bool
    practice_goals: str | None
    view_count: int
    thumbnail_key: str | None
    poster_key: str | None
    waveform_key: str | None
    job_id: uuid.UUID | None
    shared_with_caller: bool
    #: The caller teaches the course this recording was handed in to (an assignment submission).
    teaches_submission: bool
    renditions: list[RenditionView]
    piece_song: PieceSongView | None


@dataclass(frozen=True, slots=True)
class RecordingListFilter:
    """Which recordings a list shows; each combination of present filters is one compiled statement."""

    owner_id: uuid.UUID | None = None
    shared_with: uuid.UUID | None = None
    public_only: bool = False
    status: str | None = None
    admin_only: bool = False  # every recording, answered only if the caller is an admin


_SUB = bindparam("sub", type_=UUID(as_uuid=True))
_RECORDINGS = Recording.__table__


def _view_json(rec: Any) -> ColumnElement[Any]:
    """The JSON of one recording of ``rec`` (the table or an alias of it), children included."""
    renditions = Rendition.__table__
    fields = RenditionView.__struct_fields__
    rendition = json_object(fields, table_columns(renditions, fields))
    rendition_list = (
        select(func.coalesce(func.json_agg(aggregate_order_by(rendition, renditions.c.name)), literal_column("'[]'")))
        .where(renditions.c.recording_id == rec.c.id)
        .scalar_subquery()
    )
    jobs = Job.__table__
    latest_job = (
        select(jobs.c.id)
        .where(jobs.c.recording_id == rec.c.id)
        .order_by(jobs.c.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    shares = RecordingShare.__table__
    shared = exists().where(shares.c.recording_id == rec.c.id, shares.c.user_id == _SUB)
    songs = Song.__table__
    song = json_object(PieceSongView.__struct_fields__, table_columns(songs, PieceSongView.__struct_fields__))
    piece_song = select(song).where(songs.c.id == rec.c.piece_song_id).scalar_subquery()
    extra = {
        "job_id": latest_job,
        "shared_with_caller": shared,
        "teaches_submission": taught_submission(rec.c.id, _SUB),
        "renditions": rendition_list,
        "piece_song": piece_song,
    }
    fields = RecordingView.__struct_fields__
    return json_object(fields, table_columns(rec, fields, **extra))


def _counted_view(recording_id: Any) -> ColumnElement[int]:
    """How many views this read counted (0 or 1), as a scalar subquery over two data-modifying CTEs.

    A signed-in caller who may view the recording and is not its owner marks (recording, viewer,
    UTC day) in ``recording_views``; only a new mark adds one to ``recordings.view_count``. Both
    happen inside the detail's one statement (PostgreSQL runs every data-modifying CTE to its end),
    so counting costs no round trip; ``ON CONFLICT DO NOTHING`` makes a retried statement harmless.
    """
    recs, views = _RECORDINGS, RecordingViewDay.__table__
    shares, users = RecordingShare.__table__, User.__table__
    may_view = or_(
        recs.c.is_public.is_(True),
        exists().where(shares.c.recording_id == recs.c.id, shares.c.user_id == _SUB),
        exists().where(users.c.id == _SUB, users.c.role == Role.ADMIN.value),
    )
    viewer_active = exists().where(users.c.id == _SUB, users.c.is_active.is_(True))
    today = cast(func.timezone("UTC", func.now()), Date)
    mark = (
        select(recs.c.id, _SUB, today)
        .where(recs.c.id == recording_id, recs.c.status != RecordingStatus.DELETED.value)
        .where(recs.c.owner_id != _SUB, viewer_active, may_view)
    )
    seen = (
        insert(views)
        .from_select(["recording_id", "viewer_id", "day"], mark)
        .on_conflict_do_nothing()
        .returning(views.c.recording_id)
        .cte("seen")
    )
    counted = (
        update(recs)
        .where(recs.c.id.in_(select(seen.c.recording_id)))
        # updated_at stays: a view is not a change of the recording (and the model's onupdate is Python-side)
        .values(view_count=recs.c.view_count + 1, updated_at=recs.c.updated_at)
        .returning(recs.c.id)
        .cte("counted")
    )
    return select(func.count()).select_from(counted).scalar_subquery()


def _detail() -> Select[Any]:
    rec = _RECORDINGS.alias("rec")
    recording_id = bindparam("recording_id", type_=UUID(as_uuid=True))
    view = (
        select(as_text(_view_json(rec)))
        .where(rec.c.id == recording_id)
        .where(rec.c.status != RecordingStatus.DELETED.value)
        .scalar_subquery()
    )
    return select(caller_json(_SUB), view, _counted_view(recording_id))


_DETAIL = CompiledRead(_detail)
#: One recording of ``rec`` as ``RecordingView`` JSON (other reads that show a recording: share links).
view_json = _view_json


@functools.cache
def _page(has_owner: bool, has_shared: bool, public_only: bool, has_status: bool, admin_only: bool) -> CompiledRead:
    def build() -> Select[Any]:
        rec = _RECORDINGS.alias("rec")
        where: list[ColumnElement[bool]] = [rec.c.status != RecordingStatus.DELETED.value]
        # A song's audio is its uploader's recording too, but listed with the song, not here.
        where.append(rec.c.purpose == RecordingPurpose.PRACTICE.value)
        if has_owner:
            where.append(rec.c.owner_id == bindparam("owner_id", type_=UUID(as_uuid=True)))
        if has_shared:
            shares = RecordingShare.__table__
            shared_with = bindparam("shared_with", type_=UUID(as_uuid=True))
            where.append(exists().where(shares.c.recording_id == rec.c.id, shares.c.user_id == shared_with))
        if public_only:
            where.append(rec.c.is_public.is_(True))
        if has_status:
            where.append(rec.c.status == bindparam("status", type_=String))
        if admin_only:
            # "all" is for admins: a non-admin's list reads nothing (the policy then answers 403).
            users = User.__table__
            where.append(exists().where(users.c.id == _SUB, users.c.role == Role.ADMIN.value))
        total, items = json_page(rec, _view_json(rec), where)
        return select(caller_json(_SUB), total, items)

    return CompiledRead(build)


@dataclass(frozen=True, slots=True)
class RecordingDetail:
    caller: CallerRow | None
    #: ``None``: no such recording, or deleted.
    view: RecordingView | None
    #: The recording's JSON as PostgreSQL rendered it: every column and child, so a version of it.
    version: str | None


async def recording_detail(db: ReadDatabase, caller_id: uuid.UUID | None, recording_id: uuid.UUID) -> RecordingDetail:
    """The caller's account and the recording, in one statement."""
    caller, text, counted = await db.fetch_row(_DETAIL, sub=caller_id, recording_id=recording_id)
    view = decode(text, RecordingView)
    if view is not None and counted:
        # The statement's snapshot predates its own count: show the caller's view in the body.
        view = msgspec.structs.replace(view, view_count=view.view_count + counted)
    return RecordingDetail(decode(caller, CallerRow), view, text)


async def recording_page(
    db: ReadDatabase, caller_id: uuid.UUID | None, where: RecordingListFilter, *, limit: int, offset: int
) -> tuple[CallerRow | None, int, list[RecordingView]]:
    """The caller's account, the number of matching recordings and one page of them, newest first."""
    read = _page(
        where.owner_id is not None,
        where.shared_with is not None,
        where.public_only,
        where.status is not None,
        where.admin_only,
    )
    params = {"sub": caller_id, "limit": limit, "offset": offset}
    params |= {"owner_id": where.owner_id, "shared_with": where.shared_with, "status": where.status}
    caller, total, items = await db.fetch_row(read, **params)
    return decode(caller, CallerRow), total, msgspec.json.decode(items, type=list[RecordingView])


__all__ = [
    "PieceSongView",
    "RecordingDetail",
    "RecordingListFilter",
    "RecordingView",
    "RenditionView",
    "recording_detail",
    "recording_page",
    "view_json",
]
