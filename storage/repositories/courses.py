"""Courses and what hangs off them: prerequisites, enrolments, subscriptions (premium)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import delete, exists, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.learning import (
    Chapter,
    ChapterCompletion,
    Course,
    CoursePrerequisite,
    Enrollment,
    Plan,
    Subscription,
    SubscriptionStatus,
)


class CourseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, course_id: uuid.UUID, *, for_update: bool = False) -> Course | None:
        stmt = select(Course).where(Course.id == course_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def with_enrollment(
        self, course_id: uuid.UUID, user_id: uuid.UUID | None, *, share_lock: bool = False
    ) -> tuple[Course, bool] | None:
        """The course and whether ``user_id`` is enrolled in it, in one statement; ``share_lock``
        keeps the course from being deleted until the transaction ends (rows about to point at it)."""
        stmt = select(Course, enrolled_in(Course.id, user_id)).where(Course.id == course_id)
        if share_lock:
            stmt = stmt.with_for_update(read=True, of=Course)
        row = (await self.session.execute(stmt)).one_or_none()
        return None if row is None else (row[0], bool(row[1]))

    async def add(self, course: Course) -> Course:
        self.session.add(course)
        await self.session.flush()
        return course

    async def delete(self, course: Course) -> None:
        """The course with its chapters, blocks, enrolments and completions (foreign keys cascade);
        recordings stay with their owners."""
        await self.session.execute(delete(Course).where(Course.id == course.id))

    async def existing(self, course_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        stmt = select(Course.id).where(Course.id.in_(course_ids))
        return set((await self.session.execute(stmt)).scalars())

    async def leads_back_to(self, prerequisite_ids: Sequence[uuid.UUID], course_id: uuid.UUID) -> bool:
        """Whether ``course_id`` is among the prerequisites' own prerequisites, at any depth (a cycle)."""
        if not prerequisite_ids:
            return False
        chain = select(CoursePrerequisite.prerequisite_id.label("id")).where(
            CoursePrerequisite.course_id.in_(prerequisite_ids)
        )
        chain = chain.cte("chain", recursive=True)
        chain = chain.union(
            select(CoursePrerequisite.prerequisite_id).where(CoursePrerequisite.course_id == chain.c.id)
        )
        stmt = select(exists().where(chain.c.id == course_id))
        return bool((await self.session.execute(stmt)).scalar_one())

    async def set_prerequisites(self, course_id: uuid.UUID, prerequisite_ids: Sequence[uuid.UUID]) -> None:
        await self.session.execute(delete(CoursePrerequisite).where(CoursePrerequisite.course_id == course_id))
        if prerequisite_ids:
            rows = [{"course_id": course_id, "prerequisite_id": p} for p in dict.fromkeys(prerequisite_ids)]
            await self.session.execute(insert(CoursePrerequisite).values(rows))

    async def unmet_prerequisites(self, course_id: uuid.UUID, user_id: uuid.UUID) -> list[uuid.UUID]:
        """Prerequisites of the course with a chapter the user has not completed."""
        missing_chapter = exists().where(
            Chapter.course_id == CoursePrerequisite.prerequisite_id,
            ~exists().where(ChapterCompletion.chapter_id == Chapter.id, ChapterCompletion.user_id == user_id),
        )
        stmt = select(CoursePrerequisite.prerequisite_id).where(
            CoursePrerequisite.course_id == course_id, missing_chapter
        )
        return list((await self.session.execute(stmt)).scalars())


def enrolled_in(course_id: object, user_id: uuid.UUID | None) -> object:
    """``EXISTS`` an enrolment of ``user_id`` in the course (false for nobody)."""
    if user_id is None:
        return literal(False)
    return exists().where(Enrollment.course_id == course_id, Enrollment.user_id == user_id)


class EnrollmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, course_id: uuid.UUID, user_id: uuid.UUID, added_by: uuid.UUID, now: dt.datetime) -> bool:
        """Enrol; False when the user already was (a concurrent request included)."""
        stmt = (
            insert(Enrollment)
            .values(course_id=course_id, user_id=user_id, added_by=added_by, enrolled_at=now)
            .on_conflict_do_nothing()
            .returning(Enrollment.user_id)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none() is not None

    async def remove(self, course_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        stmt = delete(Enrollment).where(Enrollment.course_id == course_id, Enrollment.user_id == user_id)
        return bool((await self.session.execute(stmt.returning(Enrollment.user_id))).first())

    async def touch(self, course_id: uuid.UUID, user_id: uuid.UUID, now: dt.datetime) -> None:
        """Remember when the student last opened the course's content."""
        await self.session.execute(
            update(Enrollment)
            .where(Enrollment.course_id == course_id, Enrollment.user_id == user_id)
            .values(last_accessed_at=now)
        )


def premium_active(user_id: object, now: dt.datetime) -> object:
    """``EXISTS`` an active premium subscription of ``user_id`` at ``now``."""
    return exists().where(
        Subscription.user_id == user_id,
        Subscription.plan == Plan.PREMIUM,
        Subscription.status == SubscriptionStatus.ACTIVE,
        or_(Subscription.period_end.is_(None), Subscription.period_end > now),
    )


class SubscriptionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID) -> Subscription | None:
        stmt = select(Subscription).where(Subscription.user_id == user_id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def is_premium(self, user_id: uuid.UUID, now: dt.datetime) -> bool:
        return bool((await self.session.execute(select(premium_active(user_id, now)))).scalar_one())

    async def put(
        self, user_id: uuid.UUID, plan: str, period_end: dt.datetime | None, now: dt.datetime
    ) -> Subscription:
        """Set the user's plan (one row per user), active from now on."""
        values = {"plan": plan, "status": SubscriptionStatus.ACTIVE, "period_end": period_end, "updated_at": now}
        stmt = (
            insert(Subscription)
            .values(id=uuid.uuid4(), user_id=user_id, created_at=now, **values)
            .on_conflict_do_update(index_elements=[Subscription.user_id], set_=values)
            .returning(Subscription)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(stmt)).scalar_one()


__all__ = [
    "CourseRepository",
    "EnrollmentRepository",
    "SubscriptionRepository",
    "enrolled_in",
    "premium_active",
]
