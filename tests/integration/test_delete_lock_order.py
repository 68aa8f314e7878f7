"""Issue 11 item 10: deleting a recording while a worker finishes one of its steps.

A worker's step transition locks the job, then the recording (``jobs.lifecycle``). The delete
must take the same order; in the opposite order the two transactions deadlock and PostgreSQL
kills one of them (a 500 for the owner, or a lost step result).
"""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select, text

from api.context import AppContext
from api.recordings.services import RecordingService
from core.ids import new_id
from jobs.lifecycle import claim_step, complete_step, create_job
from jobs.plans import MEDIA_PLAN
from storage.db import ReadDatabase
from storage.models import Job, Recording, User
from storage.repositories.jobs import JobRepository
from workers.runtime import WorkerContext


async def _running_probe(ctx: WorkerContext) -> tuple[User, Recording, uuid.UUID]:
    user = User(
        id=new_id(), email=f"{new_id().hex}@example.test", username=new_id().hex[:20], password_hash="x", role="student"
    )
    recording = Recording(
        id=new_id(), owner_id=user.id, title="Etude", status="processing", original_key="k", size_bytes=1
    )
    async with ctx.sessions.begin() as session:
        session.add(user)
        await session.flush()
        session.add(recording)
        await session.flush()
        job_id = (await create_job(session, recording, MEDIA_PLAN)).id
    async with ctx.sessions.begin() as session:
        assert await claim_step(session, job_id, "probe", worker="host:1") is not None
    return user, recording, job_id


async def _wait_for_a_lock_wait(ctx: WorkerContext) -> None:
    """Until some transaction of this database waits for a row lock (the delete, here)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(200):
        async with ctx.sessions() as session:
            if (await session.execute(query)).scalar_one() > 0:
                return
        await asyncio.sleep(0.05)
    raise AssertionError("the delete never waited for the worker's job lock")


async def test_a_delete_while_a_step_completes_neither_deadlocks_nor_fails(worker_ctx: WorkerContext) -> None:
    ctx = worker_ctx
    owner, recording, job_id = await _running_probe(ctx)
    reads = await ReadDatabase.open(ctx.settings.database, pool_size=1)
    try:
        service = RecordingService(AppContext(ctx.settings, ctx.engine, ctx.sessions, ctx.redis, ctx.store, reads))
        await _delete_while_the_step_completes(ctx, service, owner, recording, job_id)
    finally:
        await reads.close()


async def _delete_while_the_step_completes(
    ctx: WorkerContext, service: RecordingService, owner: User, recording: Recording, job_id: uuid.UUID
) -> None:

    async with ctx.sessions.begin() as worker_session:
        # Given a worker finishing the probe step: its transaction holds the job's row lock
        assert await JobRepository(worker_session).get_locked(job_id) is not None
        # When the owner deletes the recording meanwhile (a second session)
        delete = asyncio.create_task(service.delete(owner, recording.id))
        await _wait_for_a_lock_wait(ctx)
        # And the worker then completes the step, locking the recording as every transition does
        outcome = await complete_step(worker_session, job_id, "probe")
        assert outcome.applied
    # Then the worker's commit went through and the delete finishes without an error
    await asyncio.wait_for(delete, timeout=30)
    async with ctx.sessions() as session:
        assert await session.get(Recording, recording.id) is None
        jobs = await session.execute(select(func.count()).select_from(Job).where(Job.recording_id == recording.id))
        assert jobs.scalar_one() == 0
