"""The transactional outbox: rows written with the state change, published by the relay."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, and_, cast, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.jobs import JobStep, OutboxMessage, StepState


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(
        self, *, queue_name: str, actor_name: str, args: dict[str, Any], available_at: dt.datetime | None = None
    ) -> OutboxMessage:
        row = OutboxMessage(
            message_id=uuid.uuid4(),
            queue_name=queue_name,
            actor_name=actor_name,
            args=args,
            attempts=0,
        )
        if available_at is not None:
            row.available_at = available_at
        self.session.add(row)
        return row

    async def claim_due(self, limit: int) -> Sequence[OutboxMessage]:
        """Lock due, unsent rows; other relays skip them (``SKIP LOCKED``)."""
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.available_at <= func.now())
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return (await self.session.execute(stmt)).scalars().all()

    async def next_due_at(self) -> dt.datetime | None:
        stmt = select(func.min(OutboxMessage.available_at)).where(OutboxMessage.sent_at.is_(None))
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def mark_sent(self, ids: Sequence[int], now: dt.datetime) -> None:
        if ids:
            await self.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(sent_at=now))

    async def pending_count(self) -> int:
        stmt = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        return (await self.session.execute(stmt)).scalar_one()

    async def mark_taken(self, actor_name: str, args: dict[str, Any], now: dt.datetime) -> int:
        """A worker took the message asking for ``actor_name(args)``: its rows are no longer only in
        the broker. Waits for a relay still publishing the row (it holds the row's lock)."""
        stmt = (
            update(OutboxMessage)
            .where(OutboxMessage.actor_name == actor_name, OutboxMessage.args == args, OutboxMessage.taken_at.is_(None))
            .values(taken_at=now)
        )
        return (await self.session.execute(stmt)).rowcount

    async def sent_untaken(self, actor_names: Sequence[str]) -> Sequence[OutboxMessage]:
        """Rows published but whose message no worker took yet, locked (``SKIP LOCKED``)."""
        stmt = (
            select(OutboxMessage)
            .where(
                OutboxMessage.actor_name.in_(actor_names),
                OutboxMessage.taken_at.is_(None),
                OutboxMessage.sent_at.is_not(None),
            )
            .order_by(OutboxMessage.id)
            .with_for_update(skip_locked=True)
        )
        return (await self.session.execute(stmt)).scalars().all()

    async def published_unclaimed_steps(self, enqueued_before: dt.datetime | None = None) -> Sequence[JobStep]:
        """Steps sent to the broker and not claimed, whose outbox row is no longer pending, locked;
        with ``enqueued_before``, only those sent before then."""
        pending = exists().where(
            and_(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.actor_name == JobStep.name,
                OutboxMessage.args["job_id"].astext == cast(JobStep.job_id, String),
            )
        )
        stmt = (
            select(JobStep)
            .where(JobStep.state == StepState.QUEUED, JobStep.enqueued_at.is_not(None), ~pending)
            .with_for_update(skip_locked=True)
        )
        if enqueued_before is not None:
            stmt = stmt.where(JobStep.enqueued_at < enqueued_before)
        return (await self.session.execute(stmt)).scalars().all()
