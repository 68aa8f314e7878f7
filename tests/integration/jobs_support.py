"""Jobs and claims made up on a database of a module's own, for tests of the reaper and the relay."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.ids import new_id, utcnow
from core.worker_settings import WorkerSettings
from jobs.plans import MEDIA_PLAN
from jobs.lifecycle import claim_step, create_job
from storage.models import Recording, User
from storage.models.jobs import JobStep, OutboxMessage
from workers.reaper import Reaped

REAPER_SETTINGS = WorkerSettings(heartbeat_interval_seconds=1, heartbeat_timeout_seconds=2)


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def mine(reaped: list[Reaped], job_id: uuid.UUID) -> list[Reaped]:
    return [r for r in reaped if r.claim.job_id == job_id]


async def new_job(sessions: async_sessionmaker[AsyncSession]) -> uuid.UUID:
    user = User(
        id=new_id(), email=f"{new_id().hex}@example.test", username=new_id().hex[:20], password_hash="x", role="student"
    )
    recording = Recording(
        id=new_id(), owner_id=user.id, title="Etude", status="processing", original_key="k", size_bytes=1
    )
    async with sessions.begin() as session:
        session.add(user)
        await session.flush()
        session.add(recording)
        await session.flush()
        return (await create_job(session, recording, MEDIA_PLAN)).id


async def claim(sessions: async_sessionmaker[AsyncSession], job_id: uuid.UUID, step: str, worker: str) -> int:
    async with sessions.begin() as session:
        claim = await claim_step(session, job_id, step, worker=worker)
        assert claim is not None
        return claim.step.attempts


async def pending(sessions: async_sessionmaker[AsyncSession], job_id: uuid.UUID, step: str) -> int:
    """Outbox rows not yet published for ``step`` of the job."""
    async with sessions() as session:
        stmt = (
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.actor_name == step, OutboxMessage.args == {"job_id": str(job_id)}, OutboxMessage.sent_at.is_(None)
            )
        )
        return (await session.execute(stmt)).scalar_one()


async def publish_all(sessions: async_sessionmaker[AsyncSession]) -> None:
    """What the relay does with the rows (the messages themselves are not needed here)."""
    async with sessions.begin() as session:
        await session.execute(update(OutboxMessage).values(sent_at=utcnow()))


async def age(sessions: async_sessionmaker[AsyncSession], job_id: uuid.UUID, step: str, **values: object) -> None:
    """Move the claim back in time (and set other columns), as if it had been running a while."""
    async with sessions.begin() as session:
        stmt = update(JobStep).where(JobStep.job_id == job_id, JobStep.name == step)
        await session.execute(stmt.values(started_at=utcnow() - dt.timedelta(minutes=5), **values))


async def lost_probe(
    sessions: async_sessionmaker[AsyncSession], worker: str, *, published: bool = False, **values: object
) -> uuid.UUID:
    """A new job whose probe ``worker`` claimed five minutes ago (its outbox rows sent first if
    ``published``); ``values`` set other step columns."""
    job_id = await new_job(sessions)
    if published:
        await publish_all(sessions)
    await claim(sessions, job_id, "probe", worker)
    await age(sessions, job_id, "probe", **values)
    return job_id


async def steps(sessions: async_sessionmaker[AsyncSession], job_id: uuid.UUID) -> dict[str, JobStep]:
    async with sessions() as session:
        rows = (await session.execute(select(JobStep).where(JobStep.job_id == job_id))).scalars().all()
    return {s.name: s for s in rows}
