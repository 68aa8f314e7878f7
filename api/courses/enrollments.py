"""Enrolment: oneself, or a student added by the course's teacher; leaving; the teacher's list."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.caller import read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.authz.courses import CourseAction, authorize_course, authorize_unenroll
from api.context import AppContext
from api.courses.schemas import EnrollmentOut, EnrollmentPage, EnrollmentRequest, enrollment_out, enrollment_row_out
from api.courses.services import course_facts, load_course, read_facts
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.ids import utcnow
from storage.models.learning import Course
from storage.models.users import User
from storage.repositories import course_reads
from storage.repositories.courses import CourseRepository, EnrollmentRepository, SubscriptionRepository
from storage.repositories.users import UserRepository


class EnrollmentService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def enroll(self, caller: User, course_id: uuid.UUID, data: EnrollmentRequest) -> EnrollmentOut:
        """Enrol the caller or (``user_id``/``username``, the course's teacher) a student.

        409 ``already_enrolled``; 403 ``prerequisites_not_met`` / ``premium_required`` for the
        student being enrolled, whoever asks.
        """
        async with self.ctx.sessions.begin() as session:
            course, facts = await load_course(session, course_id, caller, share=True)
            student = await _student(session, caller, data)
            if student.id == caller.id:
                authorize_course(caller, facts, CourseAction.ENROLL_SELF)
            else:
                authorize_course(caller, facts, CourseAction.MANAGE_ENROLLMENTS)
                if student.id == course.teacher_id:
                    raise ValidationFailed("a course's teacher cannot enrol in it", error_code="own_course")
            await _admit(session, course, student)
            now = utcnow()
            if not await EnrollmentRepository(session).add(course.id, student.id, caller.id, now):
                raise Conflict("already enrolled in this course", error_code="already_enrolled")
            rows, _ = await course_reads.enrollment_page(session, course.id, 1, 0, user_id=student.id)
        return enrollment_out(rows[0])

    async def unenroll(self, caller: User, course_id: uuid.UUID, user_id: uuid.UUID) -> None:
        async with self.ctx.sessions.begin() as session:
            repo = CourseRepository(session)
            found = await repo.with_enrollment(course_id, caller.id)
            if found is None:
                raise NotFound("no such course", error_code="course_not_found")
            course, enrolled = found
            authorize_unenroll(caller, course_facts(course, enrolled), user_id)
            if not await EnrollmentRepository(session).remove(course_id, user_id):
                raise NotFound("not enrolled in this course", error_code="enrollment_not_found")

    async def list(self, claims: TokenClaims, course_id: uuid.UUID, limit: int, offset: int) -> EnrollmentPage:
        """The course's students with their progress: one statement, the account check included."""
        read = course_reads.enrollment_list(self.ctx.reads, claims.sub, course_id, limit=limit, offset=offset)
        caller_row, facts, total, rows = await read_as(self.ctx, claims, read)
        caller = check_account(claims, caller_row)
        if facts is None:
            raise NotFound("no such course", error_code="course_not_found")
        authorize_course(caller, read_facts(facts), CourseAction.LIST_ENROLLMENTS)
        return EnrollmentPage(items=[enrollment_row_out(r) for r in rows], total=total, limit=limit, offset=offset)


async def _student(session: AsyncSession, caller: User, data: EnrollmentRequest) -> User:
    """Who is to be enrolled: the caller, or the active user named by id or username."""
    if data.user_id is not None and data.username is not None:
        raise ValidationFailed("give user_id or username, not both", error_code="validation_error")
    if data.user_id is None and data.username is None:
        return caller
    if data.user_id == caller.id:
        return caller
    users = UserRepository(session)
    user = await users.get(data.user_id) if data.user_id else await users.by_username(data.username or "")
    if user is None or not user.is_active:
        raise NotFound("no such user", error_code="user_not_found")
    return user


async def _admit(session: AsyncSession, course: Course, student: User) -> None:
    """403 when the student has not completed the prerequisites, or lacks premium for a premium course."""
    unmet = await CourseRepository(session).unmet_prerequisites(course.id, student.id)
    if unmet:
        raise Forbidden("complete every chapter of the prerequisite courses first", error_code="prerequisites_not_met")
    if course.is_premium and not await SubscriptionRepository(session).is_premium(student.id, utcnow()):
        raise Forbidden("this course needs a premium plan", error_code="premium_required")
