"""A new file for a recording (``PUT /recordings/{id}/file``): streamed like an upload, processed
by a job that stages its results (``jobs.staging``), so the old media stays served meanwhile.

The new original goes under the job's own prefix, never over the served one. One job at a time
per recording: a replacement while a job is still queued or running is refused (409
``recording_busy``) rather than cancelling it, so nobody loses a job they are waiting for.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from api.authz import RecordingAction, require_verified
from api.context import AppContext
from api.recordings.intake import DRAIN_LIMIT_BYTES, FORM_OVERHEAD_BYTES
from api.recordings.quota import admit_upload, quota_exceeded
from api.recordings.services import authorized_recording
from api.uploads import FormBody, FormLimits, StoredForm, StreamingForm
from core.errors import Conflict, NotFound
from jobs.lifecycle import create_job
from jobs.plans import REPLACE_PLAN
from storage.models.jobs import JobState
from storage.models.recordings import Recording, RecordingPurpose
from storage.models.users import User
from storage.objects.keys import replacement_key
from storage.repositories.jobs import JobRepository
from storage.repositories.recordings import RecordingRepository

log = logging.getLogger("cadenza.upload")


@dataclass(frozen=True, slots=True)
class Replacement:
    recording: Recording
    job_id: uuid.UUID


def _busy() -> Conflict:
    return Conflict(
        "the recording is still being processed; replace its file once its job has finished",
        error_code="recording_busy",
    )


class ReplaceService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def replace(self, body: FormBody, caller: User, recording_id: uuid.UUID) -> Replacement:
        limits = FormLimits(self.ctx.settings.media.max_upload_bytes, FORM_OVERHEAD_BYTES, DRAIN_LIMIT_BYTES)
        form = StreamingForm(body, self.ctx.store, limits)
        return await form.receive(lambda: self._replace(form, caller, recording_id))

    async def _replace(self, form: StreamingForm, caller: User, recording_id: uuid.UUID) -> Replacement:
        # Refused before a byte of the file is stored: who may, whether a job runs, the quotas.
        async with self.ctx.sessions() as session:
            found = await authorized_recording(session, caller, recording_id, RecordingAction.REPLACE)
            require_verified(caller)
            if found.recording.purpose != RecordingPurpose.PRACTICE:
                # A song's audio is replaced through its song (``PUT /songs/{id}/audio``), which
                # also moves the song's duration and tags: never behind the song's back.
                raise Conflict(
                    "this recording is a song's audio: upload a new file to the song instead",
                    error_code="recording_is_song_audio",
                )
            if await _has_live_job(JobRepository(session), recording_id):
                raise _busy()
        form.refuse_declared_oversize()
        room = await admit_upload(self.ctx, caller)
        quota = self.ctx.settings.quotas.storage_bytes
        job_id = uuid.uuid4()
        key = replacement_key(found.recording.owner_id, recording_id, job_id, "original")
        async with form.stored(key, room=room, over_room=lambda: quota_exceeded(quota or 0)) as stored:
            return await self._commit(recording_id, job_id, stored)

    async def _commit(self, recording_id: uuid.UUID, job_id: uuid.UUID, stored: StoredForm) -> Replacement:
        original = {
            "key": stored.key,
            "filename": (stored.filename or "").strip()[:255] or None,
            "content_type": (stored.content_type or "")[:120] or None,
            "size_bytes": stored.size,
        }
        async with self.ctx.sessions.begin() as session:
            # Lock order as everywhere: the recording's jobs, then the recording (docs/architecture.md).
            jobs = JobRepository(session)
            await jobs.lock_for_recording(recording_id)
            recording = await RecordingRepository(session).get(recording_id, for_update=True)
            if recording is None:  # deleted while the file streamed in
                raise NotFound("no such recording", error_code="recording_not_found")
            if await _has_live_job(jobs, recording_id):  # another replacement won the race
                raise _busy()
            job = await create_job(session, recording, REPLACE_PLAN, job_id=job_id, staged={"original": original})
        log.info("file replacement accepted", extra={"recording_id": str(recording_id), "size_bytes": stored.size})
        return Replacement(recording=recording, job_id=job.id)


async def _has_live_job(jobs: JobRepository, recording_id: uuid.UUID) -> bool:
    latest = await jobs.latest_for_recording(recording_id)
    return latest is not None and latest.state in (JobState.QUEUED, JobState.RUNNING)
