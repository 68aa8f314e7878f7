"""``PUT /api/v1/songs/{id}/audio``: a song's audio, streamed like a recording upload (``api.uploads``)
into a recording of its own that the media pipeline processes (``jobs.song_audio``).

The recording is the uploader's (their quota, their ``GET /jobs/{id}``) with ``purpose =
song_audio``, so it is never listed among their practice recordings. It waits in
``songs.pending_recording_id`` until finalize makes it the served audio; an upload still
processing that a newer one replaces is discarded at once (by the worker, through the outbox).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from api.authz.library import CatalogueAction, authorize_catalogue
from api.context import AppContext
from api.library.writes import locked_entry
from api.recordings.intake import DRAIN_LIMIT_BYTES, FORM_OVERHEAD_BYTES
from api.recordings.quota import admit_upload, quota_exceeded
from api.uploads import FormBody, FormLimits, StoredForm, StreamingForm
from api.uploads.multipart import PartStart
from core.errors import InvalidMedia, NotFound
from core.error_messages import public_message
from core.ids import new_id
from jobs.lifecycle import create_job
from jobs.plans import MEDIA_PLAN
from jobs.tasks import DISCARD_RECORDING, RecordingArgs, enqueue
from pipelines.audio_sources import refusal_of
from pipelines.sniff import SNIFF_BYTES
from storage.models.library import Song
from storage.models.recordings import Recording, RecordingPurpose, RecordingStatus
from storage.models.users import User
from storage.objects.keys import recording_key
from storage.repositories.library import LibraryRepository
from storage.repositories.recordings import RecordingRepository

log = logging.getLogger("cadenza.upload")


@dataclass(frozen=True, slots=True)
class AudioAccepted:
    recording_id: uuid.UUID
    job_id: uuid.UUID


async def _checked_audio(part: PartStart, chunks: AsyncIterator[bytes]) -> tuple[AsyncIterator[bytes], str]:
    """Refuse on sight (422) a file whose first bytes name no audio or video container."""
    taken: list[bytes] = []
    size = 0
    async for chunk in chunks:
        taken.append(chunk)
        size += len(chunk)
        if size >= SNIFF_BYTES:
            break
    code = refusal_of(b"".join(taken))
    if code is not None:
        raise InvalidMedia(public_message(code) or code, error_code=code)

    async def replayed() -> AsyncIterator[bytes]:
        for chunk in taken:
            yield chunk
        async for chunk in chunks:
            yield chunk

    return replayed(), part.content_type or "application/octet-stream"


class SongAudioService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def upload(self, body: FormBody, caller: User, song_id: uuid.UUID) -> AudioAccepted:
        """Authorize before reading the body, then stream, then one transaction (recording, job, song)."""
        async with self.ctx.sessions() as session:
            song = await LibraryRepository(session).get(Song, song_id)
        if song is None:
            raise NotFound("no such song", error_code="song_not_found")
        authorize_catalogue(caller, CatalogueAction.UPLOAD_AUDIO, song.created_by)
        limits = FormLimits(self.ctx.settings.media.max_upload_bytes, FORM_OVERHEAD_BYTES, DRAIN_LIMIT_BYTES)
        form = StreamingForm(body, self.ctx.store, limits)
        return await form.receive(lambda: self._upload(form, caller, song_id))

    async def _upload(self, form: StreamingForm, caller: User, song_id: uuid.UUID) -> AudioAccepted:
        form.refuse_declared_oversize()
        room = await admit_upload(self.ctx, caller)
        quota = self.ctx.settings.quotas.storage_bytes
        recording_id = new_id()
        key = recording_key(caller.id, recording_id, "original")
        async with form.stored(key, _checked_audio, room=room, over_room=lambda: quota_exceeded(quota or 0)) as stored:
            return await self._commit(caller, song_id, recording_id, stored)

    async def _commit(
        self, caller: User, song_id: uuid.UUID, recording_id: uuid.UUID, stored: StoredForm
    ) -> AudioAccepted:
        filename = (stored.filename or "").strip()[:255] or None
        async with self.ctx.sessions.begin() as session:
            song = await locked_entry(session, Song, song_id, caller, CatalogueAction.UPLOAD_AUDIO)
            recording = Recording(
                id=recording_id,
                owner_id=caller.id,
                title=(song.title or (filename.rsplit(".", 1)[0] if filename else None) or "Song audio")[:200],
                status=RecordingStatus.PROCESSING,
                purpose=RecordingPurpose.SONG_AUDIO,
                original_key=stored.key,
                original_filename=filename,
                content_type=(stored.content_type or "")[:120] or None,
                size_bytes=stored.size,
            )
            await RecordingRepository(session).add(recording)
            job = await create_job(session, recording, MEDIA_PLAN)
            replaced = song.pending_recording_id
            song.pending_recording_id = recording_id
            if replaced is not None:
                enqueue(session, DISCARD_RECORDING, RecordingArgs(recording_id=replaced))
        log.info("song audio accepted", extra={"song_id": str(song_id), "recording_id": str(recording_id)})
        return AudioAccepted(recording_id=recording_id, job_id=job.id)
