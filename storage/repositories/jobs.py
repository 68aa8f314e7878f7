"""Jobs and their steps."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models.jobs import Job, JobStep


class JobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, job_id: uuid.UUID) -> Job | None:
        stmt = select(Job).where(Job.id == job_id).options(selectinload(Job.steps))
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get_locked(self, job_id: uuid.UUID) -> Job | None:
        """Lock the job row so step transitions of one job are serialised across workers."""
        stmt = select(Job).where(Job.id == job_id).with_for_update().options(selectinload(Job.steps))
        job = (await self.session.execute(stmt)).scalar_one_or_none()
        if job is not None:
            # Steps may have been loaded before the lock was taken; read them again under it.
            await self.session.refresh(job, ["steps"])
        return job

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
        step = await self.session.get(JobStep, step_id)
        if step is not None:
            step.progress = progress

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
