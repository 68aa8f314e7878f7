"""A chapter (or its next or previous one) and its blocks in one statement each, with the caller's
account and the course's facts. A media block carries its recording's view (renditions included)
while the recording is ready, so its ``media`` is presented without another query.

Opening a chapter counts as its student's last access to the course: the enrolment's
``last_accessed_at`` is set by a data-modifying CTE of the same statement (as a recording's view
is counted in ``recording_reads``), only for an active account enrolled in the course, the only
callers the course policy lets study it while enrolled.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, DateTime, Integer, Select, bindparam, exists, func, select, update
from sqlalchemy.dialects.postgresql import UUID

from storage.db import ReadDatabase
from storage.models.learning import Chapter, ContentBlock, Enrollment
from storage.models.recordings import Recording, RecordingStatus
from storage.models.users import User
from storage.repositories.course_reads import CourseFactsRow, course_facts, ordered_page
from storage.repositories.recording_reads import RecordingView, view_json
from storage.repositories.reads import CallerRow, CompiledRead, as_text, caller_json, decode, json_object

#: The keys of a chapter's JSON, in the field order of ``api``'s ``ChapterOut`` (a test keeps them equal).
CHAPTER_OUT_FIELDS = (
    "id", "course_id", "position", "title", "description", "content", "content_html", "created_at", "updated_at",
)  # fmt: skip

#: A block's own keys, in the field order of ``api``'s ``BlockOut`` before its ``media`` (a test keeps them equal).
BLOCK_FIELDS = (
    "id", "chapter_id", "position", "kind", "title", "body", "body_html", "recording_id", "quiz_id", "due_at",
    "created_at", "updated_at",
)  # fmt: skip


class BlockRow(msgspec.Struct, frozen=True):
    """A content block, with its recording's view (for ``media``) while the recording is ready."""

    id: uuid.UUID
    chapter_id: uuid.UUID
    position: int
    kind: str
    title: str
    body: str | None
    body_html: str | None
    recording_id: uuid.UUID | None
    quiz_id: uuid.UUID | None
    due_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    recording: RecordingView | None


_SUB = bindparam("sub", type_=UUID(as_uuid=True))
_CHAPTER = bindparam("chapter_id", type_=UUID(as_uuid=True))


def _course_of_chapter() -> ColumnElement[Any]:
    chapters = Chapter.__table__
    return select(chapters.c.course_id).where(chapters.c.id == _CHAPTER).scalar_subquery()


def _at(step: ColumnElement[int] | int) -> ColumnElement[str]:
    """The chapter ``step`` places after (before, negative) the asked one, as JSON text (NULL: none)."""
    asked, other = Chapter.__table__.alias("asked"), Chapter.__table__.alias("other")
    body = json_object(CHAPTER_OUT_FIELDS, {name: other.c[name] for name in CHAPTER_OUT_FIELDS})
    return (
        select(as_text(body))
        .select_from(asked.join(other, other.c.course_id == asked.c.course_id))
        .where(asked.c.id == _CHAPTER, other.c.position == asked.c.position + step)
        .scalar_subquery()
    )


def _touched() -> ColumnElement[int]:
    """Set the caller's ``last_accessed_at`` in the chapter's course (active accounts): rows touched, 0 or 1."""
    enrollments, users = Enrollment.__table__, User.__table__
    touched = (
        update(enrollments)
        .where(enrollments.c.course_id == _course_of_chapter(), enrollments.c.user_id == _SUB)
        .where(exists().where(users.c.id == _SUB, users.c.is_active.is_(True)))
        .values(last_accessed_at=bindparam("now", type_=DateTime(timezone=True)))
        .returning(enrollments.c.user_id)
        .cte("touched")
    )
    return select(func.count()).select_from(touched).scalar_subquery()


def _open() -> Select[Any]:
    return select(caller_json(_SUB), course_facts(_course_of_chapter()), _at(0), _touched())


def _neighbour() -> Select[Any]:
    step = bindparam("step", type_=Integer)
    return select(caller_json(_SUB), course_facts(_course_of_chapter()), _at(step))


def _block_json(blocks: Any) -> ColumnElement[Any]:
    """A block of ``blocks`` as ``BlockRow``: its columns, and its recording's view while it is ready."""
    rec = Recording.__table__.alias("rec")
    media = (
        select(view_json(rec))
        .where(rec.c.id == blocks.c.recording_id, rec.c.status == RecordingStatus.READY.value)
        .scalar_subquery()
    )
    columns = {name: blocks.c[name] for name in BLOCK_FIELDS} | {"recording": media}
    return json_object(BlockRow.__struct_fields__, columns)


def _blocks() -> Select[Any]:
    blocks = ContentBlock.__table__
    where = [blocks.c.chapter_id == _CHAPTER]
    total, items = ordered_page(blocks, _block_json(blocks), where, blocks.c.position)
    return select(caller_json(_SUB), course_facts(_course_of_chapter()), total, items)


def _block() -> Select[Any]:
    blocks, chapters = ContentBlock.__table__, Chapter.__table__
    block_id = bindparam("block_id", type_=UUID(as_uuid=True))
    course_id = (
        select(chapters.c.course_id)
        .join(blocks, blocks.c.chapter_id == chapters.c.id)
        .where(blocks.c.id == block_id)
        .scalar_subquery()
    )
    block = select(as_text(_block_json(blocks))).where(blocks.c.id == block_id).scalar_subquery()
    return select(caller_json(_SUB), course_facts(course_id), block)


_OPEN, _NEIGHBOUR = CompiledRead(_open), CompiledRead(_neighbour)
_BLOCKS, _BLOCK = CompiledRead(_blocks), CompiledRead(_block)
_BLOCK_ROWS = msgspec.json.Decoder(list[BlockRow])
_BLOCK_ROW = msgspec.json.Decoder(BlockRow)


async def open_chapter(
    db: ReadDatabase, caller_id: uuid.UUID, chapter_id: uuid.UUID, now: object
) -> tuple[CallerRow | None, CourseFactsRow | None, msgspec.Raw]:
    """The caller's account, the chapter's course facts (None: no such chapter) and the chapter
    (JSON of ``CHAPTER_OUT_FIELDS``), counting ``now`` as the student's last access."""
    caller, facts, chapter, _ = await db.fetch_row(_OPEN, sub=caller_id, chapter_id=chapter_id, now=now)
    return decode(caller, CallerRow), decode(facts, CourseFactsRow), msgspec.Raw((chapter or "null").encode())


async def neighbour_chapter(
    db: ReadDatabase, caller_id: uuid.UUID, chapter_id: uuid.UUID, step: int
) -> tuple[CallerRow | None, CourseFactsRow | None, msgspec.Raw | None]:
    """The caller's account, the chapter's course facts (None: no such chapter) and the chapter
    ``step`` places from it (None: there is none)."""
    caller, facts, chapter = await db.fetch_row(_NEIGHBOUR, sub=caller_id, chapter_id=chapter_id, step=step)
    raw = None if chapter is None else msgspec.Raw(chapter.encode())
    return decode(caller, CallerRow), decode(facts, CourseFactsRow), raw


async def block_page(
    db: ReadDatabase, caller_id: uuid.UUID, chapter_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[CallerRow | None, CourseFactsRow | None, int, list[BlockRow]]:
    """The caller's account, the chapter's course facts (None: no such chapter), how many blocks
    the chapter has and one page of them in order."""
    caller, facts, total, items = await db.fetch_row(
        _BLOCKS, sub=caller_id, chapter_id=chapter_id, limit=limit, offset=offset
    )
    return decode(caller, CallerRow), decode(facts, CourseFactsRow), total, _BLOCK_ROWS.decode(items)


async def block_detail(
    db: ReadDatabase, caller_id: uuid.UUID, block_id: uuid.UUID
) -> tuple[CallerRow | None, CourseFactsRow | None, BlockRow | None]:
    """The caller's account, the block's course facts and the block (None: no such block)."""
    caller, facts, block = await db.fetch_row(_BLOCK, sub=caller_id, block_id=block_id)
    return decode(caller, CallerRow), decode(facts, CourseFactsRow), None if block is None else _BLOCK_ROW.decode(block)


__all__ = ["BLOCK_FIELDS", "CHAPTER_OUT_FIELDS", "BlockRow", "block_detail", "block_page", "neighbour_chapter", "open_chapter"]
