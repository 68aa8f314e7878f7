"""Job bodies."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from core.error_messages import public_message
from storage.models.jobs import JobStep
from storage.repositories.job_reads import JobView


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


def step_fields(step: JobStep) -> dict[str, Any]:
    """The fields of ``StepOut`` for one step (the admin view adds the worker to them)."""
    return {
        "name": step.name,
        "queue": step.queue,
        "state": step.state,
        "progress": round(step.progress, 4),
        "attempts": step.attempts,
        "max_attempts": step.max_attempts,
        "started_at": step.started_at,
        "finished_at": step.finished_at,
        "error_code": step.error_code,
        # Owners read the error code's fixed sentence; the detail is for operators (``api.ops``).
        "error_message": public_message(step.error_code),
    }


def job_view_out(job: JobView) -> JobOut:
    """The body of a one-statement read: the steps' JSON decodes straight into ``StepOut``."""
    steps = msgspec.json.decode(job.steps, type=list[StepOut])
    done = sum(1.0 if s.state in ("succeeded", "skipped") else s.progress for s in steps)
    for step in steps:
        step.progress = round(step.progress, 4)
        # Owners read the error code's fixed sentence; the detail is for operators (``api.ops``).
        step.error_message = public_message(step.error_code)
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
