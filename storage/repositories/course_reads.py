"""Course lists in a constant number of statements: each page is ONE statement, counts and
children (chapter counts, prerequisites, per-student progress) computed inside PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Row, Select, and_, exists, func, or_, over, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.learning import Chapter, ChapterCompletion, Course, CoursePrerequisite, Enrollment
from storage.models.users import User
from storage.repositories.courses import enrolled_in


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


def _prerequisites(course_id: Any) -> Any:
    return (
        select(func.array_agg(CoursePrerequisite.prerequisite_id))
        .where(CoursePrerequisite.course_id == course_id)
        .scalar_subquery()
    )


def _course_columns(viewer_id: uuid.UUID | None) -> list[Any]:
    return [
        Course,
        User,
        chapter_count(Course.id).label("chapter_count"),
        _prerequisites(Course.id).label("prerequisites"),
        enrolled_in(Course.id, viewer_id).label("enrolled"),
    ]


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def course_detail(session: AsyncSession, course_id: uuid.UUID, viewer_id: uuid.UUID | None) -> Row[Any] | None:
    """The course, its teacher, chapter count, prerequisites and the viewer's enrolment."""
    stmt = select(*_course_columns(viewer_id)).join(User, User.id == Course.teacher_id).where(Course.id == course_id)
    return (await session.execute(stmt)).one_or_none()


async def course_page(
    session: AsyncSession,
    *,
    viewer_id: uuid.UUID | None,
    see_all: bool,
    instrument: str | None,
    teacher_id: uuid.UUID | None,
    q: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Row[Any]], int]:
    """Published courses (and the viewer's own drafts; every draft for ``see_all``), newest first."""
    where: list[Any] = []
    if not see_all:
        where.append(or_(Course.is_published, Course.teacher_id == viewer_id) if viewer_id else Course.is_published)
    if instrument:
        where.append(func.lower(Course.instrument) == instrument.strip().lower())
    if teacher_id:
        where.append(Course.teacher_id == teacher_id)
    if q and q.strip():
        pattern = _like(q.strip())
        where.append(or_(Course.title.ilike(pattern), Course.description.ilike(pattern)))
    stmt = (
        select(*_course_columns(viewer_id), over(func.count()).label("total"))
        .join(User, User.id == Course.teacher_id)
        .where(*where)
        .order_by(Course.created_at.desc(), Course.id)
        .limit(limit)
        .offset(offset)
    )
    return await _page(session, stmt, offset)


async def chapter_page(
    session: AsyncSession, course_id: uuid.UUID, viewer_id: uuid.UUID | None, limit: int, offset: int
) -> tuple[list[Row[Any]], int]:
    """The course's chapters in order, each with whether the viewer completed it."""
    done = (
        exists().where(ChapterCompletion.chapter_id == Chapter.id, ChapterCompletion.user_id == viewer_id)
        if viewer_id
        else and_(False)
    )
    stmt = (
        select(Chapter, done.label("completed"), over(func.count()).label("total"))
        .where(Chapter.course_id == course_id)
        .order_by(Chapter.position)
        .limit(limit)
        .offset(offset)
    )
    return await _page(session, stmt, offset)


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


async def teaching_page(
    session: AsyncSession, teacher_id: uuid.UUID, limit: int, offset: int
) -> tuple[list[Row[Any]], int]:
    """A teacher's own courses, newest first, with chapter and student counts."""
    stmt = (
        select(
            Course,
            chapter_count(Course.id).label("chapters"),
            student_count(Course.id).label("students"),
            over(func.count()).label("total"),
        )
        .where(Course.teacher_id == teacher_id)
        .order_by(Course.created_at.desc(), Course.id)
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
