"""The job state machine: the job's state and the recording's status derive from steps, here only.

Pure functions of the steps (rows or anything shaped like them) and of their plan; the
transitions that apply them to the database are in ``jobs.lifecycle`` and ``jobs.operator``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from jobs.plans import Plan
from storage.models.jobs import JobState, StepState
from storage.models.recordings import RecordingStatus

_DONE = frozenset({StepState.SUCCEEDED, StepState.SKIPPED})

#: Allowed step transitions; anything else is a bug or a stale redelivery and is refused.
STEP_TRANSITIONS: dict[str, frozenset[str]] = {
    StepState.QUEUED: frozenset({StepState.RUNNING, StepState.SKIPPED, StepState.FAILED}),
    StepState.RUNNING: frozenset({StepState.SUCCEEDED, StepState.FAILED, StepState.QUEUED}),
    StepState.FAILED: frozenset({StepState.QUEUED}),  # an operator's retry
    StepState.SUCCEEDED: frozenset(),
    StepState.SKIPPED: frozenset(),
}


class StepLike(Protocol):
    name: str
    state: str
    requires: list[str]
    enqueued_at: object


def can_transition(current: str, target: str) -> bool:
    return target in STEP_TRANSITIONS.get(current, frozenset())


def accepts_success(state: str, attempts: int) -> bool:
    """Whether a worker's success can still be recorded for a step in ``state``.

    Running (by that worker, or by another that took it over), or queued again after a claim:
    the reaper requeued it while its first worker, only slow, was still finishing. Steps are
    idempotent, so the first result in wins and later runs of the step change nothing. A step
    that already failed for good stays failed: its owner has been told.
    """
    return state == StepState.RUNNING or (state == StepState.QUEUED and attempts > 0)


def derive_job_state(steps: Sequence[StepLike]) -> JobState:
    """Terminal only once nothing more will run: a failed job still finishes its fan-out."""
    in_flight = any(
        s.state == StepState.RUNNING or (s.state == StepState.QUEUED and s.enqueued_at is not None) for s in steps
    )
    if any(s.state == StepState.FAILED for s in steps):
        return JobState.RUNNING if in_flight else JobState.FAILED
    if all(s.state in _DONE for s in steps):
        return JobState.SUCCEEDED
    if any(s.state in (StepState.RUNNING, *_DONE) for s in steps):
        return JobState.RUNNING
    return JobState.QUEUED


def recording_status_for(steps: Sequence[StepLike], plan: Plan) -> RecordingStatus:
    """Failed when any step failed; ready once every step that makes media is done (the plan's
    fan-out steps only tell people, so they do not count)."""
    if any(s.state == StepState.FAILED for s in steps):
        return RecordingStatus.FAILED
    fan_out = plan.fan_out_steps
    if all(s.state in _DONE for s in steps if s.name not in fan_out):
        return RecordingStatus.READY
    return RecordingStatus.PROCESSING


def steps_ready_to_enqueue(steps: Sequence[StepLike]) -> list[StepLike]:
    """Queued steps not yet sent whose requirements are all done (succeeded or skipped)."""
    done = {s.name for s in steps if s.state in _DONE}
    return [
        s for s in steps if s.state == StepState.QUEUED and s.enqueued_at is None and all(r in done for r in s.requires)
    ]
