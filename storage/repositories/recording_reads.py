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
from sqlalchemy import ColumnElement, Select, String, bindparam, exists, func, literal_column, select
from sqlalchemy.dialects.postgresql import UUID, aggregate_order_by

from storage.db import ReadDatabase
from storage.models.jobs import Job
from storage.models.recordings import Recording, RecordingShare, RecordingStatus, Rendition
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
    thumbnail_key: str | None
    poster_key: str | None
    waveform_key: str | None
    job_id: uuid.UUID | None
    shared_with_caller: bool
    #: The caller teaches the course this recording was handed in to (an assignment submission).
    teaches_submission: bool
    renditions: list[RenditionView]


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
    extra = {
        "job_id": latest_job,
        "shared_with_caller": shared,
        "teaches_submission": taught_submission(rec.c.id, _SUB),
        "renditions": rendition_list,
    }
    fields = RecordingView.__struct_fields__
    return json_object(fields, table_columns(rec, fields, **extra))


def _detail() -> Select[Any]:
    rec = _RECORDINGS.alias("rec")
    view = (
        select(as_text(_view_json(rec)))
        .where(rec.c.id == bindparam("recording_id", type_=UUID(as_uuid=True)))
        .where(rec.c.status != RecordingStatus.DELETED.value)
        .scalar_subquery()
    )
    return select(caller_json(_SUB), view)


_DETAIL = CompiledRead(_detail)


@functools.cache
def _page(has_owner: bool, has_shared: bool, public_only: bool, has_status: bool, admin_only: bool) -> CompiledRead:
    def build() -> Select[Any]:
        rec = _RECORDINGS.alias("rec")
        where: list[ColumnElement[bool]] = [rec.c.status != RecordingStatus.DELETED.value]
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
    caller, view = await db.fetch_row(_DETAIL, sub=caller_id, recording_id=recording_id)
    return RecordingDetail(decode(caller, CallerRow), decode(view, RecordingView), view)


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
    "RecordingDetail",
    "RecordingListFilter",
    "RecordingView",
    "RenditionView",
    "recording_detail",
    "recording_page",
]
