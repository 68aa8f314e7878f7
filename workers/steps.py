"""Running one pipeline step: claim it, run its handler, record the outcome, publish events.

This is the one place that turns a handler's result or error into step state, so every actor
behaves the same: redelivered messages are no-ops, deterministic media errors fail fast with their
error code, transient faults are retried with backoff through the outbox.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from core.errors import CadenzaError
from core.ids import utcnow
from core.logging import job_id_var
from core.transient import TRANSIENT_ERRORS, is_data_error
from jobs.claims import Claim, JobGone, Outcome, RecordingChange
from jobs.lifecycle import claim_step, complete_step, fail_step, hand_back_step
from jobs.tasks import TASKS
from storage.objects.keys import recording_prefix
from storage.models.jobs import JobStep, StepState
from storage.repositories.jobs import JobRepository
from workers.cancel import raise_if_cancelled
from workers.deferral import Deferred
from workers.events import publish
from workers.metrics import observe_step
from workers.inflight import IN_FLIGHT, HandedBack
from workers.replacement import discard_failed_replacement
from workers.runtime import WorkerContext, get_context, worker_name

log = logging.getLogger("cadenza.worker")

PROGRESS_MIN_INTERVAL = 0.5


@dataclass(frozen=True, slots=True)
class StepResult:
    skip: tuple[str, ...] = ()
    apply: RecordingChange | None = None
    #: Run once the step's outcome is committed (a replacement's finalize deletes the old media).
    after_commit: Callable[[], Awaitable[None]] | None = None


class Progress:
    """Throttled progress: one DB write and one live event at most every half second."""

    def __init__(self, ctx: WorkerContext, claim: Claim) -> None:
        self.ctx = ctx
        self.step_id = claim.step.id
        self.step_name = claim.step.name
        self.job_id = claim.job.id
        self.recording_id = claim.recording.id
        self.owner_id = claim.recording.owner_id
        self._last = 0.0

    async def __call__(self, fraction: float) -> None:
        now = time.monotonic()
        if fraction < 1.0 and now - self._last < PROGRESS_MIN_INTERVAL:
            return
        self._last = now
        # An operator's cancel: raising here makes the runner kill ffmpeg at once.
        await raise_if_cancelled(self.ctx.redis, str(self.job_id))
        fraction = max(0.0, min(1.0, fraction))
        async with self.ctx.sessions.begin() as session:
            await JobRepository(session).update_progress(self.step_id, fraction)
        await publish(
            self.ctx.redis,
            self.owner_id,
            "job.progress",
            {
                "job_id": self.job_id,
                "recording_id": self.recording_id,
                "step": self.step_name,
                "progress": round(fraction, 4),
            },
        )


StepHandler = Callable[[WorkerContext, Claim, Progress], Awaitable[StepResult | None]]


async def run_step(step_name: str, job_id: str, handler: StepHandler) -> None:
    ctx = await get_context()
    token = job_id_var.set(job_id)
    # Registered before the claim and removed after the outcome is committed: see workers.inflight.
    entry = IN_FLIGHT.begin(job_id, step_name)
    try:
        job_uuid = uuid.UUID(job_id)
        claim = await _claim(ctx, job_uuid, step_name)
        if claim is None:
            log.info("step has nothing to do (redelivered or stale)", extra={"step": step_name})
            return
        await _publish_step(ctx, claim.recording.owner_id, claim.job.id, claim.recording.id, claim.step)
        started = time.monotonic()
        try:
            try:
                result = await entry.run(handler(ctx, claim, Progress(ctx, claim))) or StepResult()
            except HandedBack:
                outcome = await _hand_back(ctx, claim)
                if outcome is None:
                    return
            except Exception as exc:  # noqa: BLE001 - every failure becomes step state, by kind
                outcome = await _record_failure(ctx, claim, exc)
            else:
                async with ctx.sessions.begin() as session:
                    outcome = await complete_step(session, job_uuid, step_name, skip=result.skip, apply=result.apply)
                seconds = round(time.monotonic() - started, 3)
                if outcome.applied:
                    log.info("step succeeded", extra={"step": step_name, "seconds": seconds})
                    await _after_commit(result)
                else:
                    log.info("late step result; nothing changed", extra={"step": step_name, "seconds": seconds})
        except JobGone:
            await _discard_outputs(ctx, claim)
            return
        await discard_failed_replacement(ctx, claim, outcome)
        _observe(claim, outcome, time.monotonic() - started)
        if outcome.applied:
            await publish_outcome(ctx.redis, outcome, step_name)
    finally:
        IN_FLIGHT.end(entry)
        job_id_var.reset(token)


async def _after_commit(result: StepResult) -> None:
    """What is left to do is only tidying (objects nobody reads any more): never fails the step."""
    if result.after_commit is None:
        return
    try:
        await result.after_commit()
    except Exception:  # noqa: BLE001 - the outcome is committed; a leftover object costs only space
        log.exception("cleanup after the step failed")


async def _claim(ctx: WorkerContext, job_id: uuid.UUID, step_name: str) -> Claim | None:
    """Claim the step; a transient fault raises ``Deferred`` so that the message comes back
    (the step is still ``queued`` and nothing else would ever send it again)."""
    try:
        async with ctx.sessions.begin() as session:
            return await claim_step(session, job_id, step_name, worker=worker_name())
    except TRANSIENT_ERRORS as exc:
        if is_data_error(exc):
            raise
        error = type(exc).__name__
        log.warning("step not claimed; the message will come back", extra={"step": step_name, "error": error})
        raise Deferred(f"claim of {step_name} deferred: {type(exc).__name__}") from exc


def _observe(claim: Claim, outcome: Outcome, seconds: float) -> None:
    """Step duration and failures for the worker group's Prometheus metrics."""
    step = next((s for s in outcome.job.steps if s.name == claim.step.name), None)
    if step is None or not outcome.applied:
        return
    failed = step.error_code is not None and step.state in (StepState.FAILED, StepState.QUEUED)
    label = {StepState.SUCCEEDED: "succeeded", StepState.FAILED: "failed"}.get(step.state)
    label = label or ("retried" if failed else "handed_back")
    observe_step(step.name, step.queue, label, seconds, step.error_code if failed else None)


async def _hand_back(ctx: WorkerContext, claim: Claim) -> Outcome | None:
    """Shutdown stopped the handler: queue the step again at once, without spending the attempt.

    If the database cannot be reached now, the step stays ``running`` and the reaper requeues it
    once this worker's heartbeat is gone.
    """
    step = claim.step
    try:
        async with ctx.sessions.begin() as session:
            outcome = await hand_back_step(
                session, claim.job.id, step.name, worker=step.worker or "", attempt=step.attempts
            )
    except TRANSIENT_ERRORS as exc:
        error = type(exc).__name__
        log.warning("step not handed back; the reaper will requeue it", extra={"step": step.name, "error": error})
        return None
    log.warning("worker stopping; step handed back", extra={"step": step.name, "handed_back": outcome is not None})
    return outcome


async def _discard_outputs(ctx: WorkerContext, claim: Claim) -> None:
    """The recording was deleted while this step ran: remove whatever the step wrote after the
    API had emptied the recording's prefix (the API deletes the rows first, then the objects)."""
    removed = await ctx.store.delete_prefix(recording_prefix(claim.recording.owner_id, claim.recording.id))
    log.info(
        "recording deleted while its step ran; outputs removed",
        extra={"step": claim.step.name, "objects_removed": removed},
    )


async def _record_failure(ctx: WorkerContext, claim: Claim, exc: Exception) -> Outcome:
    retry_at: dt.datetime | None = None
    backoff = _backoff(claim.step.name, claim.step.attempts)
    if isinstance(exc, CadenzaError):
        code, message = exc.error_code, exc.detail
        if exc.retryable:
            retry_at = backoff
    elif is_data_error(exc):
        # Class 22/23: the same write fails the same way again, so the step fails at once.
        code, message = "data_error", f"{type(exc).__name__}: {exc}"
        log.error("step failed on a data error", extra={"step": claim.step.name, "detail": message[:2000]})
    elif isinstance(exc, TRANSIENT_ERRORS):
        # Owners read only the fixed sentence of the code; the detail is for logs and the admin view.
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        code, message, retry_at = "transient_failure", f"{type(exc).__name__}: {detail}", backoff
    else:
        code, message, retry_at = "internal_error", f"{type(exc).__name__}: {exc}", backoff
        log.exception("step crashed", extra={"step": claim.step.name})
    log.warning(
        "step failed",
        extra={
            "step": claim.step.name,
            "error_code": code,
            "attempt": claim.step.attempts,
            "will_retry": retry_at is not None,
            "detail": message[:2000],
        },
    )
    async with ctx.sessions.begin() as session:
        return await fail_step(
            session,
            claim.job.id,
            claim.step.name,
            error_code=code,
            error_message=message,
            retry_at=retry_at,
            worker=claim.step.worker,
            attempt=claim.step.attempts,
        )


def _backoff(step: str, attempts: int) -> dt.datetime:
    return TASKS.get(step).backoff.due(attempts, utcnow())


async def _publish_step(
    ctx: WorkerContext, owner_id: uuid.UUID, job_id: uuid.UUID, recording_id: uuid.UUID, step: JobStep
) -> None:
    await _publish_step_state(ctx.redis, owner_id, job_id, recording_id, step)


async def _publish_step_state(
    redis: Redis, owner_id: uuid.UUID, job_id: uuid.UUID, recording_id: uuid.UUID, step: JobStep
) -> None:
    await publish(
        redis,
        owner_id,
        "job.step",
        {
            "job_id": job_id,
            "recording_id": recording_id,
            "step": step.name,
            "state": step.state,
            "attempts": step.attempts,
            "error_code": step.error_code,
        },
    )


async def publish_outcome(redis: Redis, outcome: Outcome, step_name: str) -> None:
    """Live events after a committed step change (the relay's reaper uses it too)."""
    job, recording = outcome.job, outcome.recording
    step = next(s for s in job.steps if s.name == step_name)
    await _publish_step_state(redis, job.owner_id, job.id, job.recording_id, step)
    if recording is not None and outcome.recording_status_changed and recording.status in ("ready", "failed"):
        await publish(
            redis,
            job.owner_id,
            f"recording.{recording.status}",
            {
                "recording_id": recording.id,
                "job_id": job.id,
                "status": recording.status,
                "error_code": recording.error_code,
            },
        )
