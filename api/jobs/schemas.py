"""Job bodies."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from storage.models.jobs import Job


class StepOut(msgspec.Struct):
    name: str
    queue: str
    state: str
    progress: float
    attempts: int
    max_attempts: int
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error_code: str | None
    error_message: str | None


class JobOut(msgspec.Struct):
    id: uuid.UUID
    recording_id: uuid.UUID
    plan: str
    state: str
    progress: float
    error_code: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    steps: list[StepOut]


def job_out(job: Job) -> JobOut:
    steps = [
        StepOut(
            name=s.name,
            queue=s.queue,
            state=s.state,
            progress=round(s.progress, 4),
            attempts=s.attempts,
            max_attempts=s.max_attempts,
            started_at=s.started_at,
            finished_at=s.finished_at,
            error_code=s.error_code,
            error_message=s.error_message,
        )
        for s in job.steps
    ]
    done = sum(1.0 if s.state in ("succeeded", "skipped") else s.progress for s in job.steps)
    return JobOut(
        id=job.id,
        recording_id=job.recording_id,
        plan=job.plan,
        state=job.state,
        progress=round(done / len(steps), 4) if steps else 0.0,
        error_code=job.error_code,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        steps=steps,
    )
