"""A user's usage this month (DESIGN §10 plans): uploads, bytes stored, processing time, quiz attempts.

One statement; ``quiz_attempts_since`` counts the quizzes feature's attempts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.streaks import zone_of
from storage.models.jobs import Job, JobStep
from storage.models.quizzes import QuizAttempt
from storage.models.recordings import Recording
from storage.repositories.recordings import stored_bytes_of


@dataclass(frozen=True, slots=True)
class MonthlyUsage:
    uploads: int
    stored_bytes: int
    processing_seconds: float
    quiz_attempts: int


def month_start(now: dt.datetime, time_zone: str = "UTC") -> dt.datetime:
    """The first instant of ``now``'s month in the user's ``time_zone`` (UTC for an unknown zone),
    given in that zone: a user in Tokyo starts December at 2026-12-01T00:00+09:00, not at UTC midnight."""
    local = now.astimezone(zone_of(time_zone))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def quiz_attempts_since(user_id: Any, since: Any) -> Any:
    """Quiz attempts the user made since ``since``."""
    return (
        select(func.count())
        .where(QuizAttempt.user_id == user_id, QuizAttempt.created_at >= since)
        .scalar_subquery()
    )


def _uploads_since(user_id: Any, since: Any) -> Any:
    return select(func.count()).where(Recording.owner_id == user_id, Recording.created_at >= since).scalar_subquery()


def _processing_seconds_since(user_id: Any, since: Any) -> Any:
    """Wall-clock seconds of the user's finished pipeline steps that started since ``since``."""
    elapsed = func.extract("epoch", JobStep.finished_at - JobStep.started_at)
    return (
        select(func.coalesce(func.sum(cast(elapsed, Float)), 0.0))
        .select_from(JobStep)
        .join(Job, Job.id == JobStep.job_id)
        .where(
            Job.owner_id == user_id,
            JobStep.started_at >= since,
            JobStep.finished_at.is_not(None),
        )
        .scalar_subquery()
    )


async def monthly_usage(
    session: AsyncSession, user_id: uuid.UUID, now: dt.datetime, time_zone: str = "UTC"
) -> MonthlyUsage:
    """The user's usage since the start of ``now``'s month in their ``time_zone``."""
    since = month_start(now, time_zone)
    stmt = select(
        _uploads_since(user_id, since),
        stored_bytes_of(user_id),
        _processing_seconds_since(user_id, since),
        quiz_attempts_since(user_id, since),
    )
    uploads, stored, seconds, attempts = (await session.execute(stmt)).one()
    return MonthlyUsage(int(uploads), int(stored), round(float(seconds), 3), int(attempts))
