"""Jobs made up on a database of a module's own, for tests of the reaper and the relay's helpers."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.ids import new_id, utcnow
from pipelines.plans import MEDIA_PLAN
from storage.job_tracker import claim_step, create_job
from storage.models import Recording, User
from storage.models.jobs import OutboxMessage


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
                OutboxMessage.actor_name == step, OutboxMessage.args == [str(job_id)], OutboxMessage.sent_at.is_(None)
            )
        )
        return (await session.execute(stmt)).scalar_one()


async def publish_all(sessions: async_sessionmaker[AsyncSession]) -> None:
    """What the relay does with the rows (the messages themselves are not needed here)."""
    async with sessions.begin() as session:
        await session.execute(update(OutboxMessage).values(sent_at=utcnow()))
