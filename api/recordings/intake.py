"""Recording upload: streamed form (``api.uploads``) → object store → one transaction (recording + job + outbox).

The body is never held whole in memory nor spooled to a temp file: the file part's chunks go to
``ObjectStore.put_stream`` as they arrive. ``MAX_UPLOAD_BYTES`` is enforced while streaming; on
any failure the partial object is removed, so a refused upload leaves nothing behind.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import msgspec
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.context import AppContext
from api.recordings.quota import admit_upload, quota_exceeded
from api.recordings.schemas import RecordingFields
from api.uploads import FormBody, FormLimits, StoredForm, StreamingForm
from core.errors import BadRequest, ValidationFailed
from core.ids import new_id, utcnow
from jobs.lifecycle import create_job
from jobs.plans import MEDIA_PLAN
from storage.models.recordings import Recording, RecordingStatus
from storage.models.users import User
from storage.objects.keys import recording_key
from storage.repositories.jobs import JobRepository
from storage.repositories.progress import record_learning_activity
from storage.repositories.recordings import RecordingRepository

log = logging.getLogger("cadenza.upload")

#: Room for the multipart envelope and text fields on top of the file itself.
FORM_OVERHEAD_BYTES = 256 * 1024
#: After refusing an upload, read (and drop) at most this much more so the client sees the answer
#: instead of a connection reset; beyond it the connection is simply closed.
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")
_TEXT_FIELDS = frozenset(RecordingFields.__struct_fields__)


@dataclass(frozen=True, slots=True)
class Attachment:
    """What another domain adds to an upload (an assignment submission): text fields of its own,
    and rows written in the recording's own transaction (given the recording, its job id and
    those fields), so the recording never exists without them."""

    fields: frozenset[str]
    attach: Callable[[AsyncSession, Recording, uuid.UUID, dict[str, str]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class UploadResult:
    recording: Recording
    job_id: uuid.UUID
    replayed: bool


class UploadService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.limit = ctx.settings.media.max_upload_bytes

    async def upload(self, body: FormBody, owner: User, attachment: Attachment | None = None) -> UploadResult:
        limits = FormLimits(self.limit, FORM_OVERHEAD_BYTES, DRAIN_LIMIT_BYTES)
        fields = _TEXT_FIELDS | (attachment.fields if attachment else frozenset())
        form = StreamingForm(body, self.ctx.store, limits, text_fields=fields)
        return await form.receive(lambda: self._upload(form, owner, attachment))

    async def _upload(self, form: StreamingForm, owner: User, attachment: Attachment | None) -> UploadResult:
        idempotency_key = _idempotency_key(form.body.idempotency_key)
        if idempotency_key is not None:
            previous = await self._previous(owner.id, idempotency_key)
            if previous is not None:
                await form.drain()
                return previous
        form.refuse_declared_oversize()
        room = await admit_upload(self.ctx, owner)
        quota = self.ctx.settings.quotas.storage_bytes
        recording_id = new_id()
        key = recording_key(owner.id, recording_id, "original")
        async with form.stored(key, room=room, over_room=lambda: quota_exceeded(quota or 0)) as stored:
            meta = _validate_fields({k: v for k, v in stored.fields.items() if k in _TEXT_FIELDS})
            return await self._commit(owner, recording_id, stored, meta, idempotency_key, attachment)

    async def _commit(
        self,
        owner: User,
        recording_id: uuid.UUID,
        stored: StoredForm,
        meta: RecordingFields,
        idempotency_key: str | None,
        attachment: Attachment | None = None,
    ) -> UploadResult:
        filename = (stored.filename or "").strip()[:255] or None
        recording = Recording(
            id=recording_id,
            owner_id=owner.id,
            title=meta.title or (filename.rsplit(".", 1)[0] if filename else "Untitled recording")[:200],
            description=meta.description,
            piece=meta.piece,
            composer=meta.composer,
            status=RecordingStatus.PROCESSING,
            original_key=stored.key,
            original_filename=filename,
            content_type=(stored.content_type or "")[:120] or None,
            size_bytes=stored.size,
            idempotency_key=idempotency_key,
        )
        try:
            async with self.ctx.sessions.begin() as session:
                await RecordingRepository(session).add(recording)
                job = await create_job(session, recording, MEDIA_PLAN)
                await record_learning_activity(session, owner, utcnow())  # practice counts for the streak
                if attachment is not None:
                    await attachment.attach(session, recording, job.id, stored.fields)
        except IntegrityError:
            # A concurrent request with the same Idempotency-Key committed first: answer with its result.
            previous = await self._previous(owner.id, idempotency_key) if idempotency_key else None
            if previous is None:
                raise
            await self.ctx.store.delete(stored.key)
            return previous
        log.info("upload accepted", extra={"recording_id": str(recording.id), "size_bytes": stored.size})
        return UploadResult(recording=recording, job_id=job.id, replayed=False)

    async def _previous(self, owner_id: uuid.UUID, key: str) -> UploadResult | None:
        async with self.ctx.sessions() as session:
            recording = await RecordingRepository(session).by_idempotency_key(owner_id, key)
            if recording is None:
                return None
            job = await JobRepository(session).latest_for_recording(recording.id)
        return UploadResult(recording=recording, job_id=job.id if job else uuid.UUID(int=0), replayed=True)


def _validate_fields(fields: dict[str, str]) -> RecordingFields:
    cleaned = {k: v.strip() for k, v in fields.items() if v.strip()}
    try:
        return msgspec.convert(cleaned, RecordingFields)
    except msgspec.ValidationError as exc:
        raise ValidationFailed(str(exc), error_code="validation_error") from None


def _idempotency_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not _IDEMPOTENCY_KEY.match(key):
        raise BadRequest("Idempotency-Key must be 1-200 visible ASCII characters", error_code="invalid_idempotency_key")
    return key
