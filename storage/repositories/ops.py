"""Queries of the operators' views: jobs of every owner, with filters, and recent failures."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.jobs import Job, JobState, JobStep, StepState
from storage.models.recordings import Recording
from storage.models.users import User


@dataclass(frozen=True, slots=True)
class JobRow:
    """A job (steps loaded) with what an operator needs to recognise it."""

    job: Job
    recording_title: str
    recording_status: str
    owner_username: str


@dataclass(frozen=True, slots=True)
class JobFilter:
    """Every field given must match.

    Attributes:
        state: the job's state.
        queue: the job has a step on this queue that is waiting there (sent to the broker or due
            in the outbox), running, or failed: the queue's current and failed work.
        error_code: the job's error code, or the last error code of one of its steps (a step
            retrying after a transient fault keeps it until its next attempt starts).
    """

    state: str | None = None
    queue: str | None = None
    error_code: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if self.state is not None:
            where.append(Job.state == self.state)
        if self.queue is not None:
            in_queue = or_(
                JobStep.state.in_((StepState.RUNNING, StepState.FAILED)),
                and_(JobStep.state == StepState.QUEUED, JobStep.enqueued_at.is_not(None)),
            )
            where.append(exists().where(JobStep.job_id == Job.id, JobStep.queue == self.queue, in_queue))
        if self.error_code is not None:
            step_code = exists().where(JobStep.job_id == Job.id, JobStep.error_code == self.error_code)
            where.append(or_(Job.error_code == self.error_code, step_code))
        return where


class OpsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_jobs(self, where: JobFilter, *, limit: int, offset: int) -> tuple[list[JobRow], int]:
        """Jobs matching ``where``, newest first, and how many match in all."""
        conditions = where.conditions()
        total = (await self.session.execute(select(func.count()).select_from(Job).where(*conditions))).scalar_one()
        stmt = _rows().where(*conditions).order_by(Job.created_at.desc(), Job.id.desc()).limit(limit).offset(offset)
        return await self._fetch(stmt), total

    async def recent_failures(self, *, limit: int) -> tuple[list[JobRow], int]:
        """Failed jobs (cancelled ones included), the most recently finished first, and their count."""
        failed = Job.state == JobState.FAILED
        total = (await self.session.execute(select(func.count()).select_from(Job).where(failed))).scalar_one()
        stmt = (
            _rows()
            .where(failed)
            .order_by(Job.finished_at.desc().nulls_last(), Job.created_at.desc(), Job.id.desc())
            .limit(limit)
        )
        return await self._fetch(stmt), total

    async def get_job(self, job_id: uuid.UUID) -> JobRow | None:
        rows = await self._fetch(_rows().where(Job.id == job_id))
        return rows[0] if rows else None

    async def _fetch(self, stmt: Select[tuple[Job, str, str, str]]) -> list[JobRow]:
        result: Sequence[tuple[Job, str, str, str]] = (await self.session.execute(stmt)).tuples().all()
        return [JobRow(job, title, status, username) for job, title, status, username in result]


def _rows() -> Select[tuple[Job, str, str, str]]:
    # Job.steps loads with "selectin": one more query per page, not one per job.
    return (
        select(Job, Recording.title, Recording.status, User.username)
        .join(Recording, Recording.id == Job.recording_id)
        .join(User, User.id == Job.owner_id)
    )
