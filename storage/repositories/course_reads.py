"""Course lists in a constant number of statements: each page is ONE statement, counts and
children (chapter counts, prerequisites, per-student progress) computed inside PostgreSQL.

The polled reads (a course's chapters, its enrolments) are compiled once (``CompiledRead``) and
also return the caller's account row and the facts the course policy needs (``CourseFactsRow``),
so the account check, the policy's facts and the page are one round trip."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Integer, Row, Select, String, bindparam, exists, func, or_, over, select
from sqlalchemy.dialects.postgresql import UUID, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import ReadDatabase
from storage.models.learning import Chapter, ChapterCompletion, Course, CoursePrerequisite, Enrollment
from storage.models.users import Role, User
from storage.repositories.reads import CallerRow, CompiledRead, as_text, caller_json, decode, json_object

#: The keys of a course's JSON, in the field order of ``api``'s ``CourseOut`` (a test keeps them equal).
COURSE_FIELDS = (
    "id", "teacher", "title", "description", "instrument", "level", "schedule", "prerequisites", "is_published",
    "is_premium", "chapter_count", "enrolled", "created_at", "updated_at",
)  # fmt: skip
#: The keys of each chapter of a course's outline, in the field order of ``api``'s ``ChapterSummary``
#: (which decodes them directly; a test keeps them equal).
CHAPTER_FIELDS = ("id", "course_id", "position", "title", "description", "completed")
PERSON_FIELDS = ("id", "username", "display_name")

_SUB = bindparam("sub", type_=UUID(as_uuid=True))
_COURSE = bindparam("course_id", type_=UUID(as_uuid=True))
_EMPTY = func.json_build_array()


class CourseFactsRow(msgspec.Struct, frozen=True):
    """What the course policy needs: the course's teacher, whether it is published, the caller's enrolment."""

    teacher_id: uuid.UUID
    is_published: bool
    enrolled: bool


class Person(msgspec.Struct, frozen=True):
    id: uuid.UUID
    username: str
    display_name: str | None


class EnrollmentRow(msgspec.Struct, frozen=True):
    """A student of the course with their completed chapters and the course's total."""

    course_id: uuid.UUID
    student: Person
    enrolled_at: dt.datetime
    last_accessed_at: dt.datetime | None
    added_by: uuid.UUID | None
    completed: int
    chapters: int


def chapter_count(course_id: Any) -> Any:
    return select(func.count()).where(Chapter.course_id == course_id).scalar_subquery()


def completed_count(course_id: Any, user_id: Any) -> Any:
    """Chapters of the course the user has completed: a scalar subquery."""
    return (
        select(func.count())
        .select_from(ChapterCompletion)
        .join(Chapter, Chapter.id == ChapterCompletion.chapter_id)
        .where(Chapter.course_id == course_id, ChapterCompletion.user_id == user_id)
        .scalar_subquery()
    )


def student_count(course_id: Any) -> Any:
    return select(func.count()).where(Enrollment.course_id == course_id).scalar_subquery()


def course_facts(course_id: Any) -> ColumnElement[str]:
    """The course's ``CourseFactsRow`` for the caller (``sub``) as JSON text (NULL: no such course)."""
    courses, enrollments = Course.__table__, Enrollment.__table__
    enrolled = exists().where(enrollments.c.course_id == courses.c.id, enrollments.c.user_id == _SUB)
    columns = {"teacher_id": courses.c.teacher_id, "is_published": courses.c.is_published, "enrolled": enrolled}
    return (
        select(as_text(json_object(CourseFactsRow.__struct_fields__, columns)))
        .where(courses.c.id == course_id)
        .scalar_subquery()
    )


def ordered_page(source: Any, item: ColumnElement[Any], where: list[Any], *order: Any) -> tuple[Any, Any]:
    """How many rows of ``source`` match ``where``, and one page of ``item`` in ``order`` as a JSON
    array (bound by the ``limit`` and ``offset`` parameters): scalar subqueries for a one-row statement."""
    total = select(func.count()).select_from(source).where(*where).scalar_subquery()
    rank = func.row_number().over(order_by=order).label("n")
    page = (
        select(item.label("j"), rank)
        .select_from(source)
        .where(*where)
        .order_by(*order)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
        .subquery("page")
    )
    items = select(func.coalesce(func.json_agg(aggregate_order_by(page.c.j, page.c.n)), _EMPTY)).scalar_subquery()
    return total, as_text(items)


def _chapters() -> Select[Any]:
    chapters, completions = Chapter.__table__, ChapterCompletion.__table__
    done = exists().where(completions.c.chapter_id == chapters.c.id, completions.c.user_id == _SUB)
    columns = {name: chapters.c[name] for name in CHAPTER_FIELDS if name != "completed"} | {"completed": done}
    item = json_object(CHAPTER_FIELDS, columns)
    total, items = ordered_page(chapters, item, [chapters.c.course_id == _COURSE], chapters.c.position)
    return select(caller_json(_SUB), course_facts(_COURSE), total, items)


def _enrollments() -> Select[Any]:
    enrollments, users = Enrollment.__table__, User.__table__
    columns: dict[str, Any] = {name: enrollments.c[name] for name in ("course_id", "enrolled_at", "last_accessed_at", "added_by")}
    columns |= {
        "student": json_object(PERSON_FIELDS, {f: users.c[f] for f in PERSON_FIELDS}),
        "completed": completed_count(_COURSE, enrollments.c.user_id),
        "chapters": chapter_count(_COURSE),
    }
    item = json_object(EnrollmentRow.__struct_fields__, columns)
    source = enrollments.join(users, users.c.id == enrollments.c.user_id)
    where = [enrollments.c.course_id == _COURSE]
    total, items = ordered_page(source, item, where, enrollments.c.enrolled_at, enrollments.c.user_id)
    return select(caller_json(_SUB), course_facts(_COURSE), total, items)


def _course_json(courses: Any) -> ColumnElement[Any]:
    """A row of ``courses`` as ``COURSE_FIELDS`` (``api``'s ``CourseOut``) for the caller ``sub``."""
    users, prerequisites, enrollments = User.__table__, CoursePrerequisite.__table__, Enrollment.__table__
    teacher = select(json_object(PERSON_FIELDS, {f: users.c[f] for f in PERSON_FIELDS})).where(
        users.c.id == courses.c.teacher_id
    )
    required = select(
        func.coalesce(
            func.json_agg(aggregate_order_by(prerequisites.c.prerequisite_id, prerequisites.c.prerequisite_id)),
            _EMPTY,
        )
    ).where(prerequisites.c.course_id == courses.c.id)
    enrolled = exists().where(enrollments.c.course_id == courses.c.id, enrollments.c.user_id == _SUB)
    columns: dict[str, Any] = {name: courses.c[name] for name in COURSE_FIELDS if name in courses.c}
    columns |= {
        "teacher": teacher.scalar_subquery(),
        "prerequisites": required.scalar_subquery(),
        "chapter_count": chapter_count(courses.c.id),
        "enrolled": enrolled,
    }
    return json_object(COURSE_FIELDS, columns)


def _course() -> Select[Any]:
    courses = Course.__table__
    course = select(as_text(_course_json(courses))).where(courses.c.id == _COURSE).scalar_subquery()
    return select(caller_json(_SUB), course)


def _courses() -> Select[Any]:
    """Published courses, the caller's own drafts, every draft for admins; optional filters."""
    courses, users = Course.__table__, User.__table__
    instrument = bindparam("instrument", type_=String)
    teacher_id = bindparam("teacher_id", type_=UUID(as_uuid=True))
    pattern = bindparam("pattern", type_=String)
    admin = exists().where(users.c.id == _SUB, users.c.role == Role.ADMIN.value)
    where = [
        or_(courses.c.is_published, courses.c.teacher_id == _SUB, admin),
        or_(instrument.is_(None), func.lower(courses.c.instrument) == instrument),
        or_(teacher_id.is_(None), courses.c.teacher_id == teacher_id),
        or_(pattern.is_(None), courses.c.title.ilike(pattern), courses.c.description.ilike(pattern)),
    ]
    total, items = ordered_page(courses, _course_json(courses), where, courses.c.created_at.desc(), courses.c.id)
    return select(caller_json(_SUB), total, items)


_CHAPTERS, _ENROLLMENTS = CompiledRead(_chapters), CompiledRead(_enrollments)
_COURSE_READ, _COURSE_PAGE = CompiledRead(_course), CompiledRead(_courses)


async def course_detail(
    db: ReadDatabase, caller_id: uuid.UUID | None, course_id: uuid.UUID
) -> tuple[CallerRow | None, msgspec.Raw | None]:
    """The caller's account (None: anonymous) and the course (JSON of ``COURSE_FIELDS``; None: no such course)."""
    caller, course = await db.fetch_row(_COURSE_READ, sub=caller_id, course_id=course_id)
    return decode(caller, CallerRow), None if course is None else msgspec.Raw(course.encode())


async def course_list(
    db: ReadDatabase,
    caller_id: uuid.UUID | None,
    *,
    instrument: str | None,
    teacher_id: uuid.UUID | None,
    q: str | None,
    limit: int,
    offset: int,
) -> tuple[CallerRow | None, int, msgspec.Raw]:
    """The caller's account, how many courses they may see match, and one page of them, newest first."""
    caller, total, items = await db.fetch_row(
        _COURSE_PAGE,
        sub=caller_id,
        instrument=instrument.strip().lower() if instrument else None,
        teacher_id=teacher_id,
        pattern=_like(q.strip()) if q and q.strip() else None,
        limit=limit,
        offset=offset,
    )
    return decode(caller, CallerRow), total, msgspec.Raw(items.encode())


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_ENROLLMENT_ROWS = msgspec.json.Decoder(list[EnrollmentRow])


async def chapter_page(
    db: ReadDatabase, caller_id: uuid.UUID | None, course_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[CallerRow | None, CourseFactsRow | None, int, msgspec.Raw]:
    """The caller's account (None: anonymous), the course's facts, its chapter count and one page
    of its outline in order (JSON of ``CHAPTER_FIELDS``, each with whether the caller completed it)."""
    caller, facts, total, items = await db.fetch_row(
        _CHAPTERS, sub=caller_id, course_id=course_id, limit=limit, offset=offset
    )
    return decode(caller, CallerRow), decode(facts, CourseFactsRow), total, msgspec.Raw(items.encode())


async def enrollment_list(
    db: ReadDatabase, caller_id: uuid.UUID, course_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[CallerRow | None, CourseFactsRow | None, int, list[EnrollmentRow]]:
    """The caller's account, the course's facts, how many students it has and one page of them,
    first enrolled first."""
    caller, facts, total, items = await db.fetch_row(
        _ENROLLMENTS, sub=caller_id, course_id=course_id, limit=limit, offset=offset
    )
    return decode(caller, CallerRow), decode(facts, CourseFactsRow), total, _ENROLLMENT_ROWS.decode(items)




async def enrollment_page(
    session: AsyncSession, course_id: uuid.UUID, limit: int, offset: int, *, user_id: uuid.UUID | None = None
) -> tuple[list[Row[Any]], int]:
    """The course's students (or one: ``user_id``), first enrolled first, each with their completed
    chapters and the course's total."""
    stmt = (
        select(
            Enrollment,
            User,
            completed_count(course_id, Enrollment.user_id).label("completed"),
            chapter_count(course_id).label("chapters"),
            over(func.count()).label("total"),
        )
        .join(User, User.id == Enrollment.user_id)
        .where(Enrollment.course_id == course_id, *([Enrollment.user_id == user_id] if user_id else []))
        .order_by(Enrollment.enrolled_at, Enrollment.user_id)
        .limit(limit)
        .offset(offset)
    )
    return await _page(session, stmt, offset)


async def _page(session: AsyncSession, stmt: Select[Any], offset: int) -> tuple[list[Row[Any]], int]:
    """The page's rows and the total from their window count (``total`` column): one statement.
    Only a page past the end (no row to carry the count) asks for the count on its own."""
    rows = list((await session.execute(stmt)).all())
    if rows:
        return rows, int(rows[0].total)
    if offset == 0:
        return rows, 0
    counted = select(func.count()).select_from(stmt.limit(None).offset(None).order_by(None).subquery())
    return rows, int((await session.execute(counted)).scalar_one())
