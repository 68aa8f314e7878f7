"""Step transitions of a job, each in the caller's transaction, with the outbox rows they imply.

Every change of a step by a worker goes through here, under a lock on the job row, so that
parallel steps of one job (render and thumbnails) never race, the job state and the recording
status are derived in one place (``jobs.state``), and the next steps are enqueued in the same
commit. The life of a step, and what happens when its worker dies:

- ``create_job``: every step ``queued``; those with no requirement get an outbox row.
- ``claim_step``: ``queued → running`` by one message only (a redelivered or stale copy claims nothing).
- ``complete_step``: ``→ succeeded``, results applied, the next steps sent; the first result in
  wins, even from a worker whose claim was reaped meanwhile.
- ``fail_step``: a transient fault requeues with the task's backoff while attempts remain; a
  final failure skips what never started and still sends the plan's fan-out steps.
- ``hand_back_step``: SIGTERM: back to ``queued`` at once, the attempt not spent.
- ``reap_step``: the worker died (no heartbeat, ``workers.reaper``): ``fail_step`` with
  ``worker_lost``, requeued at once while attempts remain.
- Redis lost its messages: ``jobs.recovery`` sends every published, unclaimed step again; a
  step published hours ago and never claimed is sent again by the reaper the same way.
- An operator's retry or cancel of a whole job: ``jobs.operator``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from core.error_messages import public_message
from core.ids import utcnow
from jobs.claims import Claim, JobGone, Outcome, RecordingChange
from jobs.plans import Plan, plan_of
from jobs.staging import MediaChange, stage, staged_view
from jobs.state import accepts_success, can_transition, derive_job_state, recording_status_for, steps_ready_to_enqueue
from jobs.tasks import TASKS, StepArgs, enqueue
from storage.models.jobs import Job, JobState, JobStep, StepState
from storage.models.recordings import Recording, RecordingStatus
from storage.repositories.jobs import JobRepository
from storage.repositories.recordings import RecordingRepository


async def create_job(
    session: AsyncSession,
    recording: Recording,
    plan: Plan,
    *,
    job_id: uuid.UUID | None = None,
    staged: dict[str, object] | None = None,
) -> Job:
    """A job of ``plan`` for the recording, its first steps enqueued. A staging plan's job starts
    with ``staged`` naming its new original (``jobs.staging``), stored before the job exists."""
    steps = [
        JobStep(
            id=uuid.uuid4(),
            name=s.name,
            queue=s.queue,
            position=i,
            requires=list(s.requires),
            state=StepState.QUEUED,
            max_attempts=s.max_attempts,
            progress=0.0,
            attempts=0,
        )
        for i, s in enumerate(plan.steps)
    ]
    job = Job(
        id=job_id or uuid.uuid4(),
        recording_id=recording.id,
        owner_id=recording.owner_id,
        plan=plan.name,
        state=JobState.QUEUED,
        staged=staged,
    )
    await JobRepository(session).add(job, steps)
    _enqueue_ready(session, job, utcnow())
    return job


async def claim_step(session: AsyncSession, job_id: uuid.UUID, step_name: str, *, worker: str) -> Claim | None:
    """Mark a queued step running. None for a redelivered or stale message (nothing to do)."""
    job = await JobRepository(session).get_locked(job_id)
    if job is None:
        return None
    step = _step(job, step_name)
    if step is None or not can_transition(step.state, StepState.RUNNING) or step.enqueued_at is None:
        return None
    recording = await RecordingRepository(session).get(job.recording_id)
    if recording is None:  # deleted while queued
        return None
    now = utcnow()
    step.state = StepState.RUNNING
    step.attempts += 1
    step.started_at = now
    step.finished_at = None
    step.progress = 0.0
    step.worker = worker
    step.error_code = None
    step.error_message = None
    job.started_at = job.started_at or now
    job.state = derive_job_state(job.steps)
    if plan_of(job.plan).stages_media:
        recording = staged_view(recording, job)
    return Claim(job=job, step=step, recording=recording)


async def complete_step(
    session: AsyncSession,
    job_id: uuid.UUID,
    step_name: str,
    *,
    skip: tuple[str, ...] = (),
    apply: RecordingChange | None = None,
) -> Outcome:
    """Mark the step succeeded, apply its results to the recording, enqueue what is now ready.

    Results are accepted from any claim while the step is running or was queued again (see
    ``jobs.state.accepts_success``): the first result in wins, later ones change nothing
    (``applied`` is False), so a step reaped from a slow worker still finishes exactly once.
    """
    job, recording, before = await _locked(session, job_id)
    now = utcnow()
    step = _require_step(job, step_name)
    if not accepts_success(step.state, step.attempts):
        return Outcome(job=job, recording=recording, recording_status_changed=False, applied=False)
    if apply is not None and recording is not None:
        if plan_of(job.plan).stages_media and isinstance(apply, MediaChange):
            stage(job, apply)  # swapped in at finalize, whose own change is applied at once
        else:
            await apply(session, recording)
    step.state = StepState.SUCCEEDED
    step.progress = 1.0
    step.finished_at = now
    for name in skip:
        other = _require_step(job, name)
        if can_transition(other.state, StepState.SKIPPED):
            other.state = StepState.SKIPPED
            other.finished_at = now
    if not any(s.state == StepState.FAILED for s in job.steps):
        _enqueue_ready(session, job, now)
    return _settle(job, recording, before, now)


async def fail_step(
    session: AsyncSession,
    job_id: uuid.UUID,
    step_name: str,
    *,
    error_code: str,
    error_message: str,
    retry_at: dt.datetime | None = None,
    worker: str | None = None,
    attempt: int | None = None,
) -> Outcome:
    """Requeue the step at ``retry_at`` while attempts remain; otherwise fail the job for good.

    ``error_message`` is the detail for operators (the step's ``error_message``, shown by the
    admin job view); the recording gets the fixed sentence of ``error_code`` (``core.error_messages``).

    With ``worker`` and ``attempt`` (the claim's), a failure counts only while that claim still
    holds the step: a worker whose step was reaped and taken over must not fail it for the next.
    """
    job, recording, before = await _locked(session, job_id)
    now = utcnow()
    step = _require_step(job, step_name)
    if worker is not None and not _held_by(step, worker, attempt):
        return Outcome(job=job, recording=recording, recording_status_changed=False, applied=False)
    step.error_code = error_code
    step.error_message = error_message[:2000]
    if retry_at is not None and step.attempts < step.max_attempts and step.state == StepState.RUNNING:
        step.state = StepState.QUEUED
        send_step(session, step, job.id, now, available_at=retry_at)
        return _settle(job, recording, before, now)
    step.state = StepState.FAILED
    step.finished_at = now
    fan_out = plan_of(job.plan).fan_out_steps
    # Nothing else will produce media now: skip what has not started, then tell the owner.
    for other in job.steps:
        if other.state == StepState.QUEUED and other.enqueued_at is None and other.name not in fan_out:
            other.state = StepState.SKIPPED
            other.finished_at = now
    job.error_code = error_code
    # A failed replacement leaves the recording as it was: ready, with its old media.
    if recording is not None and not plan_of(job.plan).stages_media:
        recording.error_code = error_code
        recording.error_message = public_message(error_code)
    send_fan_out(session, job, now)
    return _settle(job, recording, before, now)


async def hand_back_step(
    session: AsyncSession, job_id: uuid.UUID, step_name: str, *, worker: str, attempt: int
) -> Outcome | None:
    """A stopping worker gives its claim up: the step is queued again at once, the attempt not spent.

    None when the claim no longer holds the step (reaped meanwhile) or the job is gone.
    """
    job = await JobRepository(session).get_locked(job_id)
    step = _step(job, step_name) if job is not None else None
    if job is None or step is None or not _held_by(step, worker, attempt):
        return None
    recording = await RecordingRepository(session).get(job.recording_id)
    now = utcnow()
    step.state = StepState.QUEUED
    step.attempts = max(0, step.attempts - 1)
    step.progress = 0.0
    send_step(session, step, job.id, now)
    return _settle(job, recording, recording.status if recording is not None else None, now)


async def reap_step(
    session: AsyncSession, job_id: uuid.UUID, step_name: str, *, worker: str, attempt: int, reason: str
) -> Outcome | None:
    """The step's worker is gone: queue the step again, or fail it with ``worker_lost`` after its
    last attempt, exactly as ``fail_step`` would (skipped steps, owner still notified).

    None when another relay holds the job (``SKIP LOCKED``), the job is gone, or the claim no
    longer holds the step (it finished, or was handed back, since the reaper looked).
    """
    job = await JobRepository(session).get_locked(job_id, skip_locked=True)
    step = _step(job, step_name) if job is not None else None
    if job is None or step is None or not _held_by(step, worker, attempt):
        return None
    return await fail_step(
        session,
        job_id,
        step_name,
        error_code="worker_lost",
        error_message=reason,
        retry_at=utcnow(),
        worker=worker,
        attempt=attempt,
    )


async def _locked(session: AsyncSession, job_id: uuid.UUID) -> tuple[Job, Recording | None, str | None]:
    job = await JobRepository(session).get_locked(job_id)
    if job is None:
        raise JobGone(f"job {job_id} does not exist")
    recording = await RecordingRepository(session).get(job.recording_id, for_update=True)
    return job, recording, recording.status if recording is not None else None


def _settle(job: Job, recording: Recording | None, before: str | None, now: dt.datetime) -> Outcome:
    job.state = derive_job_state(job.steps)
    if job.state in (JobState.SUCCEEDED, JobState.FAILED) and job.finished_at is None:
        job.finished_at = now
    changed = False
    if recording is not None:
        plan = plan_of(job.plan)
        status = recording_status_for(job.steps, plan)
        if plan.stages_media and status != RecordingStatus.READY:
            status = RecordingStatus(before)  # the old media stays served until the swap
        if status != before:
            recording.status = status
            changed = True
            if status == RecordingStatus.READY:
                recording.ready_at = now
    return Outcome(job=job, recording=recording, recording_status_changed=changed)


def _enqueue_ready(session: AsyncSession, job: Job, now: dt.datetime) -> None:
    for step in steps_ready_to_enqueue(job.steps):
        send_step(session, step, job.id, now)  # type: ignore[arg-type]


def send_fan_out(session: AsyncSession, job: Job, now: dt.datetime) -> None:
    """Send the plan's fan-out steps not sent yet: the job's outcome is known, people hear of it."""
    fan_out = plan_of(job.plan).fan_out_steps
    for step in job.steps:
        if step.name in fan_out and step.state == StepState.QUEUED and step.enqueued_at is None:
            send_step(session, step, job.id, now)


def send_step(
    session: AsyncSession,
    step: JobStep,
    job_id: uuid.UUID,
    now: dt.datetime,
    *,
    available_at: dt.datetime | None = None,
) -> None:
    """The one writer of a step's outbox row (its task's message, due at ``available_at``)."""
    step.enqueued_at = now
    enqueue(session, TASKS.get(step.name), StepArgs(job_id=job_id), available_at=available_at)


def _held_by(step: JobStep, worker: str, attempt: int | None) -> bool:
    """Whether the claim (worker, attempt number) still holds the running step."""
    if step.state != StepState.RUNNING or step.worker != worker:
        return False
    return attempt is None or step.attempts == attempt


def _step(job: Job, name: str) -> JobStep | None:
    return next((s for s in job.steps if s.name == name), None)


def _require_step(job: Job, name: str) -> JobStep:
    step = _step(job, name)
    if step is None:
        raise LookupError(f"job {job.id} has no step {name!r}")
    return step
