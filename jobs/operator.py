"""Operators' transitions of a whole job: retry a failed (or cancelled) job, cancel a live one.

Workers change one step at a time through ``jobs.lifecycle``; these change a job as a whole,
under the same lock on the job row, so they serialise with every worker's transition. The job
state and the recording status are derived by ``jobs.state`` as everywhere else.

There is no ``cancelled`` job state: a cancelled job is ``failed`` with the error code
``cancelled`` (on the job, on the recording, and on the steps that were waiting or running), so
every reader of job states (the reaper, ``derive_job_state``, clients) keeps working unchanged.
Workers learn of a cancellation from the Redis key ``core.redis_keys.cancel_key(job_id)``
(``workers.cancel``); a result that arrives anyway is refused by ``jobs.lifecycle``, the step
having left ``running``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from core.error_messages import public_message
from core.errors import Conflict, NotFound
from core.ids import utcnow
from jobs.lifecycle import send_fan_out, send_step
from jobs.plans import Plan, plan_of
from jobs.state import StepLike, derive_job_state, recording_status_for, steps_ready_to_enqueue
from storage.models.jobs import Job, JobState, JobStep, StepState
from storage.models.recordings import Recording
from storage.repositories.jobs import JobRepository
from storage.repositories.recordings import RecordingRepository

CANCELLED = "cancelled"
CANCELLED_MESSAGE = "cancelled by an administrator"
#: How long the worker-side cancellation signal lives; far longer than any step's pick-up delay.
CANCEL_SIGNAL_TTL_SECONDS = 3600

_DONE = frozenset({StepState.SUCCEEDED, StepState.SKIPPED})
S = TypeVar("S", bound=StepLike)


async def retry_job(session: AsyncSession, job_id: uuid.UUID) -> Job:
    """Queue a failed or cancelled job again from where it stopped, with fresh attempts.

    The steps of ``steps_to_retry`` start afresh; succeeded media steps are kept. The recording
    goes back to ``processing`` and an outbox row is written for each step now ready.

    Raises:
        NotFound: ``job_not_found``.
        Conflict: ``job_not_retryable`` unless the job is ``failed`` and its recording still exists.
    """
    job, recording = await _locked(session, job_id)
    if job.state != JobState.FAILED or recording is None:
        state = job.state if recording is not None else "deleted"
        raise Conflict(
            f"only a failed or cancelled job can be retried; this one is {state}", error_code="job_not_retryable"
        )
    plan = plan_of(job.plan)
    for step in steps_to_retry(job.steps, plan):
        _reset(step)
    now = utcnow()
    job.error_code = None
    job.finished_at = None
    if not plan.stages_media:  # a replacement's recording keeps its old media meanwhile
        recording.error_code = None
        recording.error_message = None
        recording.ready_at = None
        recording.status = recording_status_for(job.steps, plan)
    for step in steps_ready_to_enqueue(job.steps):
        send_step(session, step, job.id, now)  # type: ignore[arg-type]
    job.state = derive_job_state(job.steps)
    return job


async def cancel_job(session: AsyncSession, job_id: uuid.UUID) -> Job:
    """Stop a job whose media is still being made: it ends ``failed`` with ``cancelled``.

    Media steps waiting in a queue or running fail with ``cancelled``; those not sent yet are
    skipped; the fan-out step is sent, so the owner hears of it. The caller sets the worker
    signal (``cancel_key``) once this has committed.

    Raises:
        NotFound: ``job_not_found``.
        Conflict: ``job_not_cancellable`` when no media step is queued or running any more.
    """
    job, recording = await _locked(session, job_id)
    plan = plan_of(job.plan)
    fan_out = plan.fan_out_steps
    live = [s for s in job.steps if s.name not in fan_out and s.state in (StepState.QUEUED, StepState.RUNNING)]
    if not live or job.state in (JobState.SUCCEEDED, JobState.FAILED):
        raise Conflict(
            f"only a job whose media is still being made can be cancelled; this one is {job.state}",
            error_code="job_not_cancellable",
        )
    now = utcnow()
    # Steps a worker has or may take fail; at least one does, so the outcome derives as failed.
    stopped = [s for s in live if s.state == StepState.RUNNING or s.enqueued_at is not None] or live[:1]
    for step in live:
        if step in stopped:
            step.state = StepState.FAILED
            step.error_code = CANCELLED
            step.error_message = CANCELLED_MESSAGE
        else:
            step.state = StepState.SKIPPED
        step.finished_at = now
    # A job already failing for good (one step failed, another still running) keeps its cause.
    job.error_code = job.error_code or CANCELLED
    if recording is not None and not plan.stages_media:
        if recording.error_code is None:
            recording.error_code = CANCELLED
            recording.error_message = public_message(CANCELLED)
        recording.status = recording_status_for(job.steps, plan)
        recording.ready_at = None
    send_fan_out(session, job, now)
    job.state = derive_job_state(job.steps)
    if job.state == JobState.FAILED:
        job.finished_at = now
    return job


async def _locked(session: AsyncSession, job_id: uuid.UUID) -> tuple[Job, Recording | None]:
    job = await JobRepository(session).get_locked(job_id)
    if job is None:
        raise NotFound("no such job", error_code="job_not_found")
    return job, await RecordingRepository(session).get(job.recording_id, for_update=True)


def steps_to_retry(steps: Sequence[S], plan: Plan) -> list[S]:
    """The steps a retry puts back to ``queued``, given in plan order (requirements first).

    Failed steps; steps skipped because a requirement did not happen (not those the probe
    skipped by plan, whose requirements all succeeded); and the fan-out steps, which tell the
    owner the outcome of the new run.
    """
    done: set[str] = set()
    reset = []
    for step in steps:
        if _needs_reset(step, done, plan.fan_out_steps):
            reset.append(step)
        elif step.state in _DONE:
            done.add(step.name)
    return reset


def _needs_reset(step: StepLike, done: set[str], fan_out: frozenset[str]) -> bool:
    if step.state == StepState.FAILED:
        return True
    if step.state == StepState.SKIPPED:
        # Skipped for want of a requirement (a failure upstream), not by plan.
        return not all(r in done for r in step.requires)
    return step.name in fan_out and step.state == StepState.SUCCEEDED


def _reset(step: JobStep) -> None:
    """Back to a never-run ``queued`` step. ``failed → queued`` is the state machine's operator
    retry; skipped and fan-out steps are reset the same way, as part of the same retry."""
    step.state = StepState.QUEUED
    step.attempts = 0
    step.progress = 0.0
    step.enqueued_at = None
    step.started_at = None
    step.finished_at = None
    step.worker = None
    step.error_code = None
    step.error_message = None


__all__ = ["CANCELLED", "CANCEL_SIGNAL_TTL_SECONDS", "cancel_job", "retry_job", "steps_to_retry"]
