"""A user's usage this month (DESIGN §10 plans): uploads, bytes stored, processing time, quiz attempts.

One statement with the caller's account row: the month begins at midnight on the 1st in the
user's own time zone (``users.time_zone``), computed by PostgreSQL from the injected ``now``;
``quiz_attempts_since`` counts the quizzes feature's attempts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
from sqlalchemy import DateTime, Float, Select, bindparam, cast, func, select
from sqlalchemy.dialects.postgresql import UUID

from core.streaks import zone_of
from storage.db import ReadDatabase
from storage.models.jobs import Job, JobStep
from storage.models.quizzes import QuizAttempt
from storage.models.recordings import Recording
from storage.models.users import User
from storage.repositories.courses import premium_active
from storage.repositories.reads import CallerRow, CompiledRead, as_text, caller_json, decode, json_object
from storage.repositories.recordings import stored_bytes_of


class MonthlyUsage(msgspec.Struct, frozen=True):
    time_zone: str
    uploads: int
    stored_bytes: int
    processing_seconds: float
    quiz_attempts: int
    #: Whether premium is in force at ``now``.
    premium: bool


_SUB = bindparam("sub", type_=UUID(as_uuid=True))
_USER = bindparam("user_id", type_=UUID(as_uuid=True))
_NOW = bindparam("now", type_=DateTime(timezone=True))


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


def _usage() -> Select[Any]:
    users = User.__table__
    # the user's month: local midnight on the 1st, back as an instant (timezone() both ways)
    zone = users.c.time_zone
    since = func.timezone(zone, func.date_trunc("month", func.timezone(zone, _NOW)))
    columns = {
        "time_zone": zone,
        "uploads": _uploads_since(users.c.id, since),
        "stored_bytes": stored_bytes_of(users.c.id),
        "processing_seconds": _processing_seconds_since(users.c.id, since),
        "quiz_attempts": quiz_attempts_since(users.c.id, since),
        "premium": premium_active(users.c.id, _NOW),
    }
    used = select(as_text(json_object(MonthlyUsage.__struct_fields__, columns))).where(users.c.id == _USER)
    return select(caller_json(_SUB), used.scalar_subquery())


_USAGE = CompiledRead(_usage)


async def monthly_usage(
    db: ReadDatabase, caller_id: uuid.UUID, user_id: uuid.UUID, now: dt.datetime
) -> tuple[CallerRow | None, MonthlyUsage | None]:
    """The caller's account and the user's usage since their month began at ``now`` (None: no such user)."""
    caller, used = await db.fetch_row(_USAGE, sub=caller_id, user_id=user_id, now=now)
    return decode(caller, CallerRow), decode(used, MonthlyUsage)
