"""Jobs and their steps."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models.jobs import Job, JobStep, StepState


@dataclass(frozen=True, slots=True)
class RunningClaim:
    """A running step as the reaper sees it: which worker claimed it, and which attempt it is."""

    job_id: uuid.UUID
    step: str
    worker: str | None
    attempt: int
    max_attempts: int
    started_at: dt.datetime


class JobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, job_id: uuid.UUID) -> Job | None:
        stmt = select(Job).where(Job.id == job_id).options(selectinload(Job.steps))
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get_locked(self, job_id: uuid.UUID, *, skip_locked: bool = False) -> Job | None:
        """Lock the job row so step transitions of one job are serialised across workers.

        ``skip_locked``: None instead of waiting when another transaction holds the row.
        """
        stmt = (
            select(Job)
            .where(Job.id == job_id)
            .with_for_update(skip_locked=skip_locked)
            .options(selectinload(Job.steps))
        )
        job = (await self.session.execute(stmt)).scalar_one_or_none()
        if job is not None:
            # Steps may have been loaded before the lock was taken; read them again under it.
            await self.session.refresh(job, ["steps"])
        return job

    async def lock_for_recording(self, recording_id: uuid.UUID) -> list[uuid.UUID]:
        """Lock every job of the recording (in id order), before the recording's own row.

        The lock order is job, then recording (docs/architecture.md, "Lock order"): a worker's
        step transition locks its job and then the recording, so whoever deletes or changes a
        recording together with its jobs takes the jobs first, or the two deadlock.
        """
        stmt = select(Job.id).where(Job.recording_id == recording_id).order_by(Job.id).with_for_update()
        return list((await self.session.execute(stmt)).scalars())

    async def latest_for_recording(self, recording_id: uuid.UUID) -> Job | None:
        stmt = (
            select(Job)
            .where(Job.recording_id == recording_id)
            .order_by(Job.created_at.desc())
            .limit(1)
            .options(selectinload(Job.steps))
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def add(self, job: Job, steps: list[JobStep]) -> Job:
        job.steps = steps
        self.session.add(job)
        await self.session.flush()
        return job

    async def update_progress(self, step_id: uuid.UUID, progress: float) -> None:
        """Only while the step runs: a late report must not move a finished step's progress."""
        await self.session.execute(
            update(JobStep).where(JobStep.id == step_id, JobStep.state == StepState.RUNNING).values(progress=progress)
        )

    async def running_started_before(self, cutoff: dt.datetime, limit: int = 500) -> Sequence[RunningClaim]:
        """Running steps claimed before ``cutoff``, oldest first (no locks: the reaper re-checks each)."""
        stmt = (
            select(
                JobStep.job_id, JobStep.name, JobStep.worker, JobStep.attempts, JobStep.max_attempts, JobStep.started_at
            )
            .where(JobStep.state == StepState.RUNNING, JobStep.started_at < cutoff)
            .order_by(JobStep.started_at)
            .limit(limit)
        )
        return [RunningClaim(*row) for row in (await self.session.execute(stmt)).all()]

    async def latest_ids_for_recordings(self, recording_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        if not recording_ids:
            return {}
        stmt = (
            select(Job.recording_id, Job.id)
            .where(Job.recording_id.in_(recording_ids))
            .order_by(Job.recording_id, Job.created_at.desc())
            .distinct(Job.recording_id)
        )
        return {rec_id: job_id for rec_id, job_id in (await self.session.execute(stmt)).all()}
