"""What a step's transitions hand back to the worker: its claim, the outcome, a vanished job."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.jobs import Job, JobStep
from storage.models.recordings import Recording

#: A step's results, written to the recording in the same transaction that completes the step.
RecordingChange = Callable[[AsyncSession, Recording], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Claim:
    """A step this worker now owns."""

    job: Job
    step: JobStep
    recording: Recording


@dataclass(frozen=True, slots=True)
class Outcome:
    """What changed, so the caller can publish live events after the commit."""

    job: Job
    recording: Recording | None
    recording_status_changed: bool
    #: False when the call changed nothing: a late or stale result (see ``complete_step``).
    applied: bool = True


class JobGone(LookupError):
    """The job (with its recording) was deleted while one of its steps ran."""
