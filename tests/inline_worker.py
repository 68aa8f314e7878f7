"""Queued work run in the test's own process: the outbox drained as the relay would, each row
handed to its task's function as a worker would (real ffmpeg, PostgreSQL, Redis, object store).

The in-process API tier uses it instead of the Procfile stack, so a test that needs a processed
recording costs one pipeline run and no processes. What it does not exercise is the broker and
the process behaviour (prefetch, heartbeats, signals): the e2e tier keeps those.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence

from sqlalchemy import func, select

from core.ids import utcnow
from core.settings import Settings
from jobs.tasks import TASKS
from storage.models.jobs import OutboxMessage
from workers import runtime
from workers.actors import task_function


async def _due(
    ctx: runtime.WorkerContext, job_id: str | None, tasks: Collection[str] | None, refs: Collection[str] | None
) -> Sequence[OutboxMessage]:
    """Due, unsent rows (of ``job_id``'s steps, of ``tasks``, about ``refs``, when given), marked
    sent like the relay does."""
    async with ctx.sessions.begin() as session:
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.available_at <= func.now())
            .order_by(OutboxMessage.id)
            .with_for_update(skip_locked=True)
        )
        if job_id is not None:
            stmt = stmt.where(OutboxMessage.args["job_id"].astext == job_id)
        if tasks is not None:
            stmt = stmt.where(OutboxMessage.actor_name.in_(tasks))
        if refs is not None:
            stmt = stmt.where(OutboxMessage.args["ref"].astext.in_(refs))
        rows = (await session.execute(stmt)).scalars().all()
        for row in rows:
            row.sent_at = utcnow()
        return rows


async def _drain(
    settings: Settings, job_id: str | None, tasks: Collection[str] | None, refs: Collection[str] | None, limit: int
) -> int:
    runtime.configure(settings)
    ctx = await runtime.get_context()
    ran = 0
    try:
        while ran < limit and (rows := await _due(ctx, job_id, tasks, refs)):
            for row in rows:
                await task_function(TASKS.get(row.actor_name))(**row.args)
                ran += 1
    finally:
        await runtime.close_context()
    return ran


def run_queued(
    settings: Settings,
    job_id: str | None = None,
    *,
    tasks: Collection[str] | None = None,
    refs: Collection[str] | None = None,
    limit: int = 200,
) -> int:
    """Run due tasks (those of ``job_id``, those named in ``tasks``, those whose ``ref`` argument is
    in ``refs``, or all) until none is due; returns how many ran. The filters keep a test from
    running other tests' leftovers (their uploads, their mail).

    A task retried with backoff is due later and is left queued: the caller sees the job as the
    user would at that moment.
    """
    return asyncio.run(_drain(settings, job_id, tasks, refs, limit))
