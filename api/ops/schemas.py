"""Bodies of the operators' endpoints: jobs of every owner, queues, live workers."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec
from litestar.params import Parameter

from api.jobs.schemas import StepOut, step_fields
from core.queues import Queue
from jobs.tasks import TASKS
from storage.heartbeats import WorkerHeartbeat
from storage.queue_stats import QueueStats
from storage.repositories.ops import JobRow

JobStateName = Literal["queued", "running", "succeeded", "failed"]
QueueName = Queue
#: ``?error_code=``: error codes are snake_case identifiers. Optional inside ``Annotated``: Litestar
#: only applies the constraints of an ``Annotated`` that is not itself wrapped in a union.
ErrorCode = Annotated[
    str | None, Parameter(min_length=1, max_length=64, pattern=r"^[a-z0-9_.-]+$", description="error code")
]


class OpsStepOut(StepOut):
    """A step as operators see it: with the worker that claimed it last."""

    worker: str | None


class OpsRecordingRef(msgspec.Struct):
    id: uuid.UUID
    title: str
    status: str


class OpsOwnerRef(msgspec.Struct):
    id: uuid.UUID
    username: str


class OpsJobOut(msgspec.Struct):
    id: uuid.UUID
    recording: OpsRecordingRef
    owner: OpsOwnerRef
    plan: str
    state: str
    error_code: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    steps: list[OpsStepOut]


class OpsJobPage(msgspec.Struct):
    items: list[OpsJobOut]
    total: int
    limit: int
    offset: int


class QueueOut(msgspec.Struct):
    queue: str
    waiting: int
    delayed: int
    in_flight: int
    dead_letters: int
    done_last_hour: int
    failed_last_hour: int
    p50_seconds: float | None
    p95_seconds: float | None
    #: The tasks this queue carries (``jobs.tasks``): pipeline steps and others.
    tasks: list[str]


class QueuePage(msgspec.Struct):
    items: list[QueueOut]
    total: int


class RunningStepOut(msgspec.Struct):
    """A task a worker runs: a pipeline step of job ``job_id``, or another task (``kind``
    ``task``: ``step`` is the task's name, ``job_id`` what it works on, e.g. the user of a photo)."""

    job_id: str
    step: str
    since: dt.datetime
    kind: Literal["step", "task"]


class WorkerOut(msgspec.Struct):
    worker: str
    host: str
    pid: int
    queues: list[str]
    started_at: dt.datetime
    beat_at: dt.datetime
    #: Seconds since the worker wrote its heartbeat, on this server's clock.
    heartbeat_age_seconds: float
    processed: int
    stopping: bool
    current: list[RunningStepOut]


class WorkerPage(msgspec.Struct):
    items: list[WorkerOut]
    total: int


def ops_job_out(row: JobRow) -> OpsJobOut:
    job = row.job
    return OpsJobOut(
        id=job.id,
        recording=OpsRecordingRef(id=job.recording_id, title=row.recording_title, status=row.recording_status),
        owner=OpsOwnerRef(id=job.owner_id, username=row.owner_username),
        plan=job.plan,
        state=job.state,
        error_code=job.error_code,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        steps=[OpsStepOut(**(step_fields(s) | {"error_message": s.error_message}), worker=s.worker) for s in job.steps],
    )


def queue_out(stats: QueueStats) -> QueueOut:
    return QueueOut(
        queue=stats.queue,
        waiting=stats.waiting,
        delayed=stats.delayed,
        in_flight=stats.in_flight,
        dead_letters=stats.dead_letters,
        done_last_hour=stats.done_last_hour,
        failed_last_hour=stats.failed_last_hour,
        p50_seconds=stats.p50_seconds,
        p95_seconds=stats.p95_seconds,
        tasks=sorted(t.name for t in TASKS if t.queue == stats.queue),
    )


def worker_out(beat: WorkerHeartbeat, now: dt.datetime) -> WorkerOut:
    beat_at = beat.beat_at if beat.beat_at.tzinfo is not None else beat.beat_at.replace(tzinfo=dt.UTC)
    return WorkerOut(
        worker=beat.worker,
        host=beat.host,
        pid=beat.pid,
        queues=list(beat.queues),
        started_at=beat.started_at,
        beat_at=beat.beat_at,
        heartbeat_age_seconds=round(max(0.0, (now - beat_at).total_seconds()), 3),
        processed=beat.processed,
        stopping=beat.stopping,
        current=[
            RunningStepOut(job_id=s.job_id, step=s.step, since=s.since, kind=_kind(s.step)) for s in beat.current
        ],
    )


def _kind(task: str) -> Literal["step", "task"]:
    # A worker of a newer version may run a task this API does not know yet: call it a task.
    return "step" if task in TASKS.names() and TASKS.get(task).is_step else "task"
