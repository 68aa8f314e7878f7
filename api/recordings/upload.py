"""Streaming upload: multipart body → object store → one transaction (recording + job + outbox).

The body is never held whole in memory nor spooled to a temp file: the file part's chunks go to
``ObjectStore.put_stream`` as they arrive. ``MAX_UPLOAD_BYTES`` is enforced while streaming; on
any failure the partial object is removed, so a refused upload leaves nothing behind.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import msgspec
from litestar import Request
from sqlalchemy.exc import IntegrityError

from api.context import AppContext
from api.recordings.multipart import PartData, PartEnd, PartStart, boundary_of, iter_parts
from api.recordings.quota import admit_upload, quota_exceeded
from api.recordings.schemas import RecordingFields
from api.uploads import drain, receive_upload
from core.errors import BadRequest, PayloadTooLarge, ValidationFailed
from core.ids import new_id
from pipelines.plans import MEDIA_PLAN
from storage.job_tracker import create_job
from storage.models.recordings import Recording, RecordingStatus
from storage.models.users import User
from storage.objects.keys import recording_key
from storage.repositories.jobs import JobRepository
from storage.repositories.recordings import RecordingRepository

log = logging.getLogger("cadenza.upload")

#: Room for the multipart envelope and text fields on top of the file itself.
FORM_OVERHEAD_BYTES = 256 * 1024
MAX_FIELD_BYTES = 16 * 1024
#: After refusing an upload, read (and drop) at most this much more so the client sees the answer
#: instead of a connection reset; beyond it the connection is simply closed.
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")
_TEXT_FIELDS = frozenset(RecordingFields.__struct_fields__)


@dataclass(frozen=True, slots=True)
class UploadResult:
    recording: Recording
    job_id: uuid.UUID
    replayed: bool


class UploadService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.limit = ctx.settings.media.max_upload_bytes

    async def upload(self, request: Request, owner: User) -> UploadResult:
        return await receive_upload(
            request, lambda body: self._upload(request, body, owner), drain_limit=DRAIN_LIMIT_BYTES
        )

    async def _upload(self, request: Request, body: AsyncIterator[bytes], owner: User) -> UploadResult:
        idempotency_key = _idempotency_key(request)
        if idempotency_key is not None:
            previous = await self._previous(owner.id, idempotency_key)
            if previous is not None:
                await drain(body, limit=DRAIN_LIMIT_BYTES)
                return previous
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.limit + FORM_OVERHEAD_BYTES:
            raise PayloadTooLarge(f"the upload is larger than the limit of {self.limit} bytes")
        room = await admit_upload(self.ctx, owner)
        boundary = boundary_of(request.headers.get("content-type"))

        recording_id = new_id()
        key = recording_key(owner.id, recording_id, "original")
        fields: dict[str, str] = {}
        file_meta: PartStart | None = None
        size = 0
        stored = False
        try:
            events = iter_parts(body, boundary, max_body_bytes=self.limit + FORM_OVERHEAD_BYTES)
            async for event in events:
                if not isinstance(event, PartStart):
                    continue
                if event.filename is not None or event.name == "file":
                    if event.name != "file" or file_meta is not None:
                        raise ValidationFailed(
                            "send exactly one file, in the field 'file'", error_code="one_file_expected"
                        )
                    file_meta = event
                    stored = True
                    complete = _Completion()
                    try:
                        size = await self.ctx.store.put_stream(
                            key,
                            _file_chunks(events, complete),
                            content_type=event.content_type or "application/octet-stream",
                            max_bytes=self.limit if room is None else min(self.limit, room),
                        )
                    except PayloadTooLarge:
                        if room is not None and room < self.limit and self.ctx.settings.quotas.storage_bytes:
                            raise quota_exceeded(self.ctx.settings.quotas.storage_bytes) from None
                        raise
                    if not complete.done:
                        raise BadRequest(
                            "the upload ended before the file was complete", error_code="upload_incomplete"
                        )
                else:
                    # Refused as soon as the part starts: at most one small value per known field
                    # is ever held in memory, however many parts a body carries.
                    if event.name not in _TEXT_FIELDS:
                        raise ValidationFailed(f"unknown form field: {event.name!r}", error_code="unknown_field")
                    if event.name in fields:
                        raise ValidationFailed(f"the field {event.name!r} is given twice", error_code="duplicate_field")
                    fields[event.name] = await _field_value(events, event.name)
            if file_meta is None:
                raise ValidationFailed("the form has no 'file' part", error_code="file_required")
            if size == 0:
                raise ValidationFailed("the uploaded file is empty", error_code="empty_upload")
            meta = _validate_fields(fields)
            return await self._commit(owner, recording_id, key, file_meta, size, meta, idempotency_key)
        except BaseException:
            if stored:
                await self.ctx.store.delete(key)
            raise

    async def _commit(
        self,
        owner: User,
        recording_id: uuid.UUID,
        key: str,
        file_meta: PartStart,
        size: int,
        meta: RecordingFields,
        idempotency_key: str | None,
    ) -> UploadResult:
        filename = (file_meta.filename or "").strip()[:255] or None
        recording = Recording(
            id=recording_id,
            owner_id=owner.id,
            title=meta.title or (filename.rsplit(".", 1)[0] if filename else "Untitled recording")[:200],
            description=meta.description,
            piece=meta.piece,
            composer=meta.composer,
            status=RecordingStatus.PROCESSING,
            original_key=key,
            original_filename=filename,
            content_type=(file_meta.content_type or "")[:120] or None,
            size_bytes=size,
            idempotency_key=idempotency_key,
        )
        try:
            async with self.ctx.sessions.begin() as session:
                await RecordingRepository(session).add(recording)
                job = await create_job(session, recording, MEDIA_PLAN)
        except IntegrityError:
            # A concurrent request with the same Idempotency-Key committed first: answer with its result.
            previous = await self._previous(owner.id, idempotency_key) if idempotency_key else None
            if previous is None:
                raise
            await self.ctx.store.delete(key)
            return previous
        log.info("upload accepted", extra={"recording_id": str(recording.id), "size_bytes": size})
        return UploadResult(recording=recording, job_id=job.id, replayed=False)

    async def _previous(self, owner_id: uuid.UUID, key: str) -> UploadResult | None:
        async with self.ctx.sessions() as session:
            recording = await RecordingRepository(session).by_idempotency_key(owner_id, key)
            if recording is None:
                return None
            job = await JobRepository(session).latest_for_recording(recording.id)
        return UploadResult(recording=recording, job_id=job.id if job else uuid.UUID(int=0), replayed=True)


class _Completion:
    done = False


async def _file_chunks(events: AsyncIterator[object], complete: _Completion) -> AsyncIterator[bytes]:
    async for event in events:
        if isinstance(event, PartData):
            yield event.data
        elif isinstance(event, PartEnd):
            complete.done = True
            return


async def _field_value(events: AsyncIterator[object], name: str) -> str:
    value = bytearray()
    async for event in events:
        if isinstance(event, PartEnd):
            break
        if isinstance(event, PartData):
            value += event.data
            if len(value) > MAX_FIELD_BYTES:
                raise ValidationFailed(f"the field {name!r} is too long", error_code="field_too_long")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed(f"the field {name!r} is not UTF-8 text", error_code="invalid_field") from None


def _validate_fields(fields: dict[str, str]) -> RecordingFields:
    cleaned = {k: v.strip() for k, v in fields.items() if v.strip()}
    try:
        return msgspec.convert(cleaned, RecordingFields)
    except msgspec.ValidationError as exc:
        raise ValidationFailed(str(exc), error_code="validation_error") from None


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not _IDEMPOTENCY_KEY.match(key):
        raise BadRequest("Idempotency-Key must be 1-200 visible ASCII characters", error_code="invalid_idempotency_key")
    return key
