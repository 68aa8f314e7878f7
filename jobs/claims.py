"""What a step's transitions hand back to the worker: its claim, the outcome, a vanished job."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.jobs import Job, JobStep
from storage.models.recordings import Recording
from storage.objects.keys import recording_key, replacement_key

#: A step's results, written to the recording in the same transaction that completes the step.
RecordingChange = Callable[[AsyncSession, Recording], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Claim:
    """A step this worker now owns."""

    job: Job
    step: JobStep
    #: For a file replacement, ``jobs.staging.staged_view``: its new original and staged results.
    recording: Recording

    def output_key(self, name: str) -> str:
        """Where the step stores its output ``name``: a replacement's own prefix, never over what
        the recording serves."""
        recording = self.recording
        if self.job.staged is not None:
            return replacement_key(recording.owner_id, recording.id, self.job.id, name)
        return recording_key(recording.owner_id, recording.id, name)


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
