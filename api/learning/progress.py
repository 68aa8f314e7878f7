"""Progress: completing chapters, each course's progress, the caller's streak and its reset."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from api.authz.courses import CourseAction, authorize_course
from api.authz.principal import require_verified
from api.chapters.services import chapter_context
from api.context import AppContext
from api.courses.services import load_course
from api.learning.schemas import (
    MyCoursePage,
    ProgressOut,
    ProgressPage,
    StreakOut,
    progress_out,
    studying_out,
    teaching_out,
)
from api.ratelimit import RateLimiter, counter
from core.errors import Conflict, NotFound
from core.ids import utcnow
from core.streaks import local_day, streak_days
from storage.models.users import Role, User
from storage.repositories import course_reads, progress
from storage.repositories.courses import EnrollmentRepository
from storage.repositories.users import UserRepository


async def streak_of(session: AsyncSession, user: User, now: dt.datetime) -> int:
    """The user's current streak at ``now`` (one statement: their learning days)."""
    today = local_day(now, user.time_zone)
    days = await progress.learning_days(session, user.id, today)
    reset_at = user.streak_reset_at
    reset_day = local_day(reset_at, user.time_zone) if reset_at else None
    return streak_days(days, today=today, reset_at=reset_at, reset_day=reset_day)


class ProgressService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def complete(self, caller: User, chapter_id: uuid.UUID) -> ProgressOut:
        """Mark complete (idempotent), count the day for the streak; the course's progress."""
        now = utcnow()
        async with self.ctx.sessions.begin() as session:
            chapter, course, _ = await chapter_context(session, chapter_id, caller, CourseAction.LEARN, share=True)
            limit = self.ctx.settings.rate_limits.chapter_completions
            await RateLimiter(self.ctx.redis).hit(limit, counter("chapter-completions", "account", str(caller.id)))
            await progress.complete_chapter(session, caller.id, chapter.id, now)
            await progress.record_learning_activity(session, caller, now)
            await EnrollmentRepository(session).touch(course.id, caller.id, now)
        return await self._course(caller, course.id, now)

    async def course(self, caller: User, course_id: uuid.UUID) -> ProgressOut:
        async with self.ctx.sessions() as session:
            _, facts = await load_course(session, course_id, caller)
        authorize_course(caller, facts, CourseAction.PROGRESS)
        return await self._course(caller, course_id, utcnow())

    async def _course(self, caller: User, course_id: uuid.UUID, now: dt.datetime) -> ProgressOut:
        async with self.ctx.sessions() as session:
            rows, _ = await progress.progress_page(session, caller.id, course_id=course_id, limit=1)
            if not rows:  # unenrolled meanwhile
                raise NotFound("not enrolled in this course", error_code="enrollment_not_found")
            scores = await progress.quiz_scores_for(session, caller.id, [course_id])
            streak = await streak_of(session, caller, now)
        return progress_out(rows[0], scores.get(course_id, []), streak)

    async def mine(self, caller: User, limit: int, offset: int) -> ProgressPage:
        """Progress in every course the caller is enrolled in: a constant number of statements."""
        async with self.ctx.sessions() as session:
            rows, total = await progress.progress_page(session, caller.id, limit=limit, offset=offset)
            scores = await progress.quiz_scores_for(session, caller.id, [r[0].id for r in rows])
            streak = await streak_of(session, caller, utcnow())
        items = [progress_out(r, scores.get(r[0].id, []), streak) for r in rows]
        return ProgressPage(items=items, total=total, limit=limit, offset=offset, streak_days=streak)

    async def my_courses(self, caller: User, role: str | None, limit: int, offset: int) -> MyCoursePage:
        """A student's enrolments with progress; a teacher's (admin's) own courses with student counts."""
        teaching = (role or ("teacher" if caller.role in (Role.TEACHER, Role.ADMIN) else "student")) == "teacher"
        async with self.ctx.sessions() as session:
            if teaching:
                rows, total = await course_reads.teaching_page(session, caller.id, limit, offset)
            else:
                rows, total = await progress.progress_page(session, caller.id, limit=limit, offset=offset)
        items = [teaching_out(r) if teaching else studying_out(r) for r in rows]
        return MyCoursePage(items=items, total=total, limit=limit, offset=offset)

    async def reset_streak(self, caller: User) -> StreakOut:
        """Start the streak again from zero: once a day (409 ``streak_already_reset``; 429 past the limit)."""
        require_verified(caller)
        now = utcnow()
        async with self.ctx.sessions.begin() as session:
            user = await UserRepository(session).get_for_update(caller.id)
            if user is None:
                raise NotFound("no such user", error_code="user_not_found")
            if user.streak_reset_at and local_day(user.streak_reset_at, user.time_zone) == local_day(
                now, user.time_zone
            ):
                raise Conflict("the streak was already reset today", error_code="streak_already_reset")
            limit = self.ctx.settings.rate_limits.streak_reset
            await RateLimiter(self.ctx.redis).hit(limit, counter("streak-reset", "account", str(caller.id)))
            user.streak_reset_at = now
            streak = await streak_of(session, user, now)
        return StreakOut(streak_days=streak, reset_at=now)
