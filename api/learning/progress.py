"""Progress: completing chapters, each course's progress, the caller's streak and its reset."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.caller import read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.authz.courses import CourseAction, authorize_course
from api.authz.principal import require_verified
from api.chapters.services import chapter_context
from api.context import AppContext
from api.courses.services import read_facts
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
from storage.models.users import User
from storage.repositories import learning_reads, progress
from storage.repositories.learning_reads import CourseRow, Learner
from storage.repositories.courses import EnrollmentRepository
from storage.repositories.users import UserRepository


async def streak_of(session: AsyncSession, user: User, now: dt.datetime) -> int:
    """The user's current streak at ``now`` (one statement: their learning days)."""
    days = await progress.learning_days(session, user.id, local_day(now, user.time_zone))
    return streak_at(Learner(user.time_zone, user.streak_reset_at, days), now)


def streak_at(learner: Learner, now: dt.datetime) -> int:
    """The streak at ``now`` from the learner's time zone, last reset and learning days."""
    today = local_day(now, learner.time_zone)
    reset_at = learner.streak_reset_at
    reset_day = local_day(reset_at, learner.time_zone) if reset_at else None
    return streak_days(learner.days, today=today, reset_at=reset_at, reset_day=reset_day)


def _progress(row: CourseRow | None, learner: Learner | None, now: dt.datetime) -> ProgressOut:
    if row is None or learner is None:  # unenrolled meanwhile
        raise NotFound("not enrolled in this course", error_code="enrollment_not_found")
    return progress_out(row, streak_at(learner, now))


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

    async def course(self, claims: TokenClaims, course_id: uuid.UUID) -> ProgressOut:
        """The caller's progress in the course: one statement, the account check included."""
        read = learning_reads.course_progress(self.ctx.reads, claims.sub, course_id)
        caller_row, facts, row, learner = await read_as(self.ctx, claims, read)
        caller = check_account(claims, caller_row)
        if facts is None:
            raise NotFound("no such course", error_code="course_not_found")
        authorize_course(caller, read_facts(facts), CourseAction.PROGRESS)
        return _progress(row, learner, utcnow())

    async def _course(self, caller: User, course_id: uuid.UUID, now: dt.datetime) -> ProgressOut:
        _, _, row, learner = await learning_reads.course_progress(self.ctx.reads, caller.id, course_id)
        return _progress(row, learner, now)

    async def mine(self, claims: TokenClaims, limit: int, offset: int) -> ProgressPage:
        """Progress in every course the caller is enrolled in: one statement."""
        read = learning_reads.my_progress(self.ctx.reads, claims.sub, limit=limit, offset=offset)
        caller_row, total, rows, learner = await read_as(self.ctx, claims, read)
        check_account(claims, caller_row)
        assert learner is not None  # the account exists: check_account passed
        streak = streak_at(learner, utcnow())
        items = [progress_out(r, streak) for r in rows]
        return ProgressPage(items=items, total=total, limit=limit, offset=offset, streak_days=streak)

    async def my_courses(self, claims: TokenClaims, role: str | None, limit: int, offset: int) -> MyCoursePage:
        """A student's enrolments with progress; a teacher's (admin's) own courses with student counts."""
        read = learning_reads.my_courses(self.ctx.reads, claims.sub, role, limit=limit, offset=offset)
        caller_row, total, rows, teaching = await read_as(self.ctx, claims, read)
        check_account(claims, caller_row)
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
