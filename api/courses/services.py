"""Courses: create, read, list, edit, delete (DESIGN §10)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.caller import read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.authz.courses import CourseAction, CourseFacts, authorize_course, can_create_course
from api.context import AppContext
from api.courses.schemas import CourseCreate, CourseOut, CoursePage, CourseUpdate
from core.errors import NotFound, ValidationFailed
from core.ids import utcnow
from storage.models.learning import Course
from storage.models.users import User
from storage.repositories import course_reads
from storage.repositories.course_reads import CourseFactsRow
from storage.repositories.courses import CourseRepository
from storage.repositories.quiz_reads import QuizFacts

_COURSE = msgspec.json.Decoder(CourseOut)
_COURSES = msgspec.json.Decoder(list[CourseOut])


def read_facts(row: CourseFactsRow | QuizFacts) -> CourseFacts:
    """The course policy's facts from a one-statement read's row."""
    return CourseFacts(teacher_id=row.teacher_id, is_published=row.is_published, enrolled=row.enrolled)


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
        return await self._body(caller.id, course.id)

    async def get(self, claims: TokenClaims | None, course_id: uuid.UUID) -> CourseOut:
        """The course (one statement, the account check included)."""
        read = course_reads.course_detail(self.ctx.reads, claims.sub if claims else None, course_id)
        caller_row, body = await read_as(self.ctx, claims, read)
        caller = check_account(claims, caller_row) if claims is not None else None
        course = None if body is None else _COURSE.decode(body)
        if course is None:
            raise NotFound("no such course", error_code="course_not_found")
        facts = CourseFacts(course.teacher.id, course.is_published, course.enrolled)
        authorize_course(caller, facts, CourseAction.VIEW)
        return course

    async def _body(self, caller_id: uuid.UUID, course_id: uuid.UUID) -> CourseOut:
        """The course as its editor sees it just after a write (committed: the read pool sees it)."""
        _, body = await course_reads.course_detail(self.ctx.reads, caller_id, course_id)
        if body is None:  # deleted by a concurrent request meanwhile
            raise NotFound("no such course", error_code="course_not_found")
        return _COURSE.decode(body)

    async def list(
        self,
        claims: TokenClaims | None,
        *,
        instrument: str | None,
        teacher_id: uuid.UUID | None,
        q: str | None,
        limit: int,
        offset: int,
    ) -> CoursePage:
        """Published courses, the caller's drafts, every draft for admins: one statement."""
        read = course_reads.course_list(
            self.ctx.reads,
            claims.sub if claims else None,
            instrument=instrument,
            teacher_id=teacher_id,
            q=q,
            limit=limit,
            offset=offset,
        )
        caller_row, total, items = await read_as(self.ctx, claims, read)
        if claims is not None:
            check_account(claims, caller_row)
        return CoursePage(items=_COURSES.decode(items), total=total, limit=limit, offset=offset)

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
        return await self._body(caller.id, course_id)

    async def delete(self, caller: User, course_id: uuid.UUID) -> None:
        """Chapters, blocks, enrolments and completions go with the course; recordings stay their owners'."""
        async with self.ctx.sessions.begin() as session:
            course, facts = await load_course(session, course_id, caller, lock=True)
            authorize_course(caller, facts, CourseAction.EDIT)
            await CourseRepository(session).delete(course)


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
