"""Publish again the steps whose broker messages may have been lost.

A step that was published (``enqueued_at`` set, outbox row sent) but not yet claimed lives only in
Redis. If Redis loses its data (a restart without persistence, a failover, a flush), nothing
would ever run that step. Publishing such a step again is always safe: ``claim_step`` lets exactly
one message claim a queued step, and every other copy claims nothing.
"""

from __future__ import annotations

import uuid

from sqlalchemy import String, and_, cast, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.ids import utcnow
from storage.models.jobs import JobStep, OutboxMessage, StepState
from storage.repositories.outbox import OutboxRepository


async def republish_unclaimed(session: AsyncSession) -> list[tuple[uuid.UUID, str]]:
    """Give every published, unclaimed step a new outbox row; returns ``(job_id, step)`` pairs.

    Steps whose outbox row is still pending are left alone: the relay has not published them yet.
    """
    pending = exists().where(
        and_(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.actor_name == JobStep.name,
            OutboxMessage.args[0].astext == cast(JobStep.job_id, String),
        )
    )
    rows = (
        await session.scalars(
            select(JobStep)
            .where(JobStep.state == StepState.QUEUED, JobStep.enqueued_at.is_not(None), ~pending)
            .with_for_update(skip_locked=True)
        )
    ).all()
    now = utcnow()
    outbox = OutboxRepository(session)
    for step in rows:
        step.enqueued_at = now
        outbox.add(queue_name=step.queue, actor_name=step.name, args=[str(step.job_id)])
    return [(step.job_id, step.name) for step in rows]
