"""A chapter (or its next or previous one) in one statement, with the caller's account and the course's facts.

Opening a chapter counts as its student's last access to the course: the enrolment's
``last_accessed_at`` is set by a data-modifying CTE of the same statement (as a recording's view
is counted in ``recording_reads``), only for an active account enrolled in the course, the only
callers the course policy lets study it while enrolled.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, DateTime, Integer, Select, bindparam, exists, func, select, update
from sqlalchemy.dialects.postgresql import UUID

from storage.db import ReadDatabase
from storage.models.learning import Chapter, Enrollment
from storage.models.users import User
from storage.repositories.course_reads import CourseFactsRow, course_facts
from storage.repositories.reads import CallerRow, CompiledRead, as_text, caller_json, decode, json_object

#: The keys of a chapter's JSON, in the field order of ``api``'s ``ChapterOut`` (a test keeps them equal).
CHAPTER_OUT_FIELDS = (
    "id", "course_id", "position", "title", "description", "content", "content_html", "created_at", "updated_at",
)  # fmt: skip

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


_OPEN, _NEIGHBOUR = CompiledRead(_open), CompiledRead(_neighbour)


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


__all__ = ["CHAPTER_OUT_FIELDS", "neighbour_chapter", "open_chapter"]
