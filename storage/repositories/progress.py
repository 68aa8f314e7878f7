"""Learning progress: completed chapters, per-course progress, learning days (streaks), quiz scores.

Extension points for quizzes and assignments (their own branch builds on these):
``record_learning_activity`` is called for every learning activity (a quiz attempt, a
submission). The reads of progress (with each course's quiz scores) are ``learning_reads``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Protocol

import msgspec
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.streaks import local_day
from storage.models.learning import ChapterCompletion, LearningDay


class Learner(Protocol):
    """Whose learning day it is (a ``User`` row is one)."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def time_zone(self) -> str: ...


#: How far back a streak is looked for: ten years of days is still one small statement.
STREAK_HORIZON_DAYS = 3660


class QuizScore(msgspec.Struct):
    """A quiz's best result in a course (filled in by the quizzes feature)."""

    quiz_id: uuid.UUID
    title: str
    best_fraction: float
    passed: bool
    attempts: int


async def complete_chapter(session: AsyncSession, user_id: uuid.UUID, chapter_id: uuid.UUID, now: dt.datetime) -> bool:
    """Mark the chapter complete; False when it already was (idempotent)."""
    stmt = (
        insert(ChapterCompletion)
        .values(user_id=user_id, chapter_id=chapter_id, completed_at=now)
        .on_conflict_do_nothing()
        .returning(ChapterCompletion.chapter_id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def record_learning_activity(session: AsyncSession, user: Learner, now: dt.datetime) -> None:
    """Count ``now`` as a learning day of ``user`` (the day in their time zone): one statement, idempotent.

    Call it in the transaction of every learning activity: a completed chapter, a quiz attempt, a
    submission, a practice upload.
    """
    day = local_day(now, user.time_zone)
    stmt = insert(LearningDay).values(user_id=user.id, day=day, last_activity_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[LearningDay.user_id, LearningDay.day],
        set_={"last_activity_at": func.greatest(LearningDay.last_activity_at, stmt.excluded.last_activity_at)},
    )
    await session.execute(stmt)


async def learning_days(session: AsyncSession, user_id: uuid.UUID, today: dt.date) -> list[tuple[dt.date, dt.datetime]]:
    """The user's learning days up to ``today`` (most recent first), within the streak horizon."""
    since = today - dt.timedelta(days=STREAK_HORIZON_DAYS)
    stmt = (
        select(LearningDay.day, LearningDay.last_activity_at)
        .where(LearningDay.user_id == user_id, LearningDay.day >= since, LearningDay.day <= today)
        .order_by(LearningDay.day.desc())
    )
    return [(r[0], r[1]) for r in (await session.execute(stmt)).all()]


def percent(completed: int, total: int) -> float:
    """0-100, one decimal; a course without chapters is 0 % done."""
    return round(100.0 * completed / total, 1) if total else 0.0


__all__ = [
    "Learner",
    "QuizScore",
    "complete_chapter",
    "learning_days",
    "percent",
    "record_learning_activity",
]
