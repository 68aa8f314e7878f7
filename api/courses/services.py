"""Courses: create, read, list, edit, delete (DESIGN §10)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz.courses import CourseAction, CourseFacts, authorize_course, can_create_course
from api.context import AppContext
from api.courses.schemas import CourseCreate, CourseOut, CoursePage, CourseUpdate, course_out
from core.errors import NotFound, ValidationFailed
from core.ids import utcnow
from storage.models.learning import Course
from storage.models.users import Role, User
from storage.repositories import course_reads
from storage.repositories.courses import CourseRepository


def course_facts(course: Course, enrolled: bool = False) -> CourseFacts:
    return CourseFacts(teacher_id=course.teacher_id, is_published=course.is_published, enrolled=enrolled)


async def load_course(
    session: AsyncSession, course_id: uuid.UUID, caller: User | None, *, lock: bool = False, share: bool = False
) -> tuple[Course, CourseFacts]:
    """The course (locked with ``lock``; kept from deletion with ``share``) and the policy's facts
    about it; 404 when there is none."""
    repo = CourseRepository(session)
    if lock:
        course = await repo.get(course_id, for_update=True)
        found = None if course is None else (course, False)
        if course is not None and caller is not None:
            found = await repo.with_enrollment(course_id, caller.id)
    else:
        found = await repo.with_enrollment(course_id, caller.id if caller else None, share_lock=share)
    if found is None:
        raise NotFound("no such course", error_code="course_not_found")
    return found[0], course_facts(*found)


class CourseService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def create(self, caller: User, data: CourseCreate) -> CourseOut:
        can_create_course(caller)
        async with self.ctx.sessions.begin() as session:
            repo = CourseRepository(session)
            course = await repo.add(
                Course(
                    teacher_id=caller.id,
                    title=data.title.strip(),
                    description=data.description,
                    instrument=_clean(data.instrument),
                    level=data.level,
                    schedule=_clean(data.schedule),
                    is_published=data.is_published,
                    is_premium=data.is_premium,
                )
            )
            await _set_prerequisites(repo, course.id, data.prerequisites)
            return await _detail(session, course.id, caller)

    async def get(self, caller: User | None, course_id: uuid.UUID) -> CourseOut:
        async with self.ctx.sessions() as session:
            out = await _detail(session, course_id, caller)
        return out

    async def list(
        self,
        caller: User | None,
        *,
        instrument: str | None,
        teacher_id: uuid.UUID | None,
        q: str | None,
        limit: int,
        offset: int,
    ) -> CoursePage:
        async with self.ctx.sessions() as session:
            rows, total = await course_reads.course_page(
                session,
                viewer_id=caller.id if caller else None,
                see_all=caller is not None and caller.role == Role.ADMIN,
                instrument=instrument,
                teacher_id=teacher_id,
                q=q,
                limit=limit,
                offset=offset,
            )
        return CoursePage(items=[course_out(r) for r in rows], total=total, limit=limit, offset=offset)

    async def update(self, caller: User, course_id: uuid.UUID, data: CourseUpdate) -> CourseOut:
        async with self.ctx.sessions.begin() as session:
            course, facts = await load_course(session, course_id, caller, lock=True)
            authorize_course(caller, facts, CourseAction.EDIT)
            for field in ("title", "description", "level", "is_published", "is_premium"):
                value = getattr(data, field)
                if value is not msgspec.UNSET:
                    setattr(course, field, value.strip() if field == "title" else value)
            for field in ("instrument", "schedule"):
                value = getattr(data, field)
                if value is not msgspec.UNSET:
                    setattr(course, field, _clean(value))
            if data.prerequisites is not msgspec.UNSET:
                await _set_prerequisites(CourseRepository(session), course.id, data.prerequisites)
            course.updated_at = utcnow()
            await session.flush()
            return await _detail(session, course.id, caller)

    async def delete(self, caller: User, course_id: uuid.UUID) -> None:
        """Chapters, blocks, enrolments and completions go with the course; recordings stay their owners'."""
        async with self.ctx.sessions.begin() as session:
            course, facts = await load_course(session, course_id, caller, lock=True)
            authorize_course(caller, facts, CourseAction.EDIT)
            await CourseRepository(session).delete(course)


async def _detail(session: AsyncSession, course_id: uuid.UUID, caller: User | None) -> CourseOut:
    row = await course_reads.course_detail(session, course_id, caller.id if caller else None)
    if row is None:
        raise NotFound("no such course", error_code="course_not_found")
    authorize_course(caller, course_facts(row[0], bool(row.enrolled)), CourseAction.VIEW)
    return course_out(row)


async def _set_prerequisites(repo: CourseRepository, course_id: uuid.UUID, wanted: Sequence[uuid.UUID]) -> None:
    """Replace the prerequisites: each must exist, and none may lead back to this course (422)."""
    ids = list(dict.fromkeys(wanted))
    if course_id in ids:
        raise ValidationFailed("a course cannot require itself", error_code="prerequisite_cycle")
    unknown = set(ids) - await repo.existing(ids) if ids else set()
    if unknown:
        raise ValidationFailed(f"no such course: {min(map(str, unknown))}", error_code="unknown_prerequisite")
    if await repo.leads_back_to(ids, course_id):
        raise ValidationFailed("these prerequisites would form a cycle", error_code="prerequisite_cycle")
    await repo.set_prerequisites(course_id, ids)


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None
