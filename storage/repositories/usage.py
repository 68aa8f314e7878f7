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


def month_start(now: dt.datetime) -> dt.datetime:
    """The first instant of ``now``'s month, in UTC (usage months are UTC calendar months)."""
    now = now.astimezone(dt.UTC)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


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


async def monthly_usage(session: AsyncSession, user_id: uuid.UUID, now: dt.datetime) -> MonthlyUsage:
    since = month_start(now)
    stmt = select(
        _uploads_since(user_id, since),
        stored_bytes_of(user_id),
        _processing_seconds_since(user_id, since),
        quiz_attempts_since(user_id, since),
    )
    uploads, stored, seconds, attempts = (await session.execute(stmt)).one()
    return MonthlyUsage(int(uploads), int(stored), round(float(seconds), 3), int(attempts))
