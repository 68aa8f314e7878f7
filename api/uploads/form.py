"""One streaming ``multipart/form-data`` upload, shared by recordings and profile photos.

The ``file`` part flows chunk by chunk into ``ObjectStore.put_stream`` (never held whole, never
spooled); a few small text fields may come with it. Sizes are enforced while streaming: the
declared ``Content-Length``, the whole body, the file itself (413 ``upload_too_large``). A refused
upload leaves nothing stored, and what is left of its body is drained so the client reads the
answer instead of a reset connection.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from api.uploads.body import FormBody, drain
from api.uploads.multipart import PartData, PartEnd, PartStart, boundary_of, iter_parts
from core.errors import BadRequest, CadenzaError, PayloadTooLarge, ValidationFailed
from storage.objects import ObjectStore

T = TypeVar("T")
#: A refusal for which the client is still sending: read the rest so it gets our answer.
_DRAINED_STATUSES = frozenset({400, 413, 422})
MAX_FIELD_BYTES = 16 * 1024

#: Given the file part and its bytes: the bytes to store and their content type. It may look at
#: the first bytes (and refuse the file) before anything is stored.
PrepareFile = Callable[[PartStart, AsyncIterator[bytes]], Awaitable[tuple[AsyncIterator[bytes], str]]]


@dataclass(frozen=True, slots=True)
class FormLimits:
    max_file_bytes: int
    #: Room for the multipart envelope and the text fields on top of the file.
    overhead_bytes: int
    #: After a refusal, read (and drop) at most this much more of the body.
    drain_bytes: int
    #: How messages name the file: "the upload is larger than …", "the photo is larger than …".
    what: str = "upload"


@dataclass(frozen=True, slots=True)
class StoredForm:
    key: str
    size: int
    filename: str | None
    #: As the client declared it for the file part.
    content_type: str | None
    fields: dict[str, str]


async def as_declared(part: PartStart, chunks: AsyncIterator[bytes]) -> tuple[AsyncIterator[bytes], str]:
    return chunks, part.content_type or "application/octet-stream"


class StreamingForm:
    def __init__(
        self, body: FormBody, store: ObjectStore, limits: FormLimits, *, text_fields: frozenset[str] = frozenset()
    ) -> None:
        self.body = body
        self.store = store
        self.limits = limits
        self.text_fields = text_fields

    async def receive(self, handle: Callable[[], Awaitable[T]]) -> T:
        """Run ``handle`` (which reads the form); when it refuses the upload, drain the body."""
        try:
            return await handle()
        except CadenzaError as exc:
            if exc.status_code in _DRAINED_STATUSES:
                await self.drain()
            raise

    async def drain(self) -> None:
        await drain(self.body.chunks, limit=self.limits.drain_bytes)

    def refuse_declared_oversize(self) -> None:
        """413 at once when the declared ``Content-Length`` is over the limit (before counting quotas)."""
        limits = self.limits
        if self.body.declared_length is not None and self.body.declared_length > limits.max_file_bytes + limits.overhead_bytes:
            raise PayloadTooLarge(f"the {limits.what} is larger than the limit of {limits.max_file_bytes} bytes")

    @contextlib.asynccontextmanager
    async def stored(
        self,
        key: str,
        prepare: PrepareFile = as_declared,
        *,
        room: int | None = None,
        over_room: Callable[[], CadenzaError] | None = None,
    ) -> AsyncIterator[StoredForm]:
        """Read the form, storing its file under ``key``; the object is deleted again if the form
        is refused or the ``async with`` body fails (e.g. the transaction that records it).

        ``room`` (the owner's quota still free) caps the file below the form's limit; going past
        it raises ``over_room()`` instead of the plain 413.
        """
        limits = self.limits
        capped = room is not None and room < limits.max_file_bytes
        max_body = limits.max_file_bytes + limits.overhead_bytes
        self.refuse_declared_oversize()
        boundary = boundary_of(self.body.content_type)
        fields: dict[str, str] = {}
        part: PartStart | None = None
        size = 0
        stored = False
        try:
            events = iter_parts(self.body.chunks, boundary, max_body_bytes=max_body)
            async for event in events:
                if not isinstance(event, PartStart):
                    continue
                if not self.text_fields or event.filename is not None or event.name == "file":
                    if event.name != "file" or part is not None:
                        raise ValidationFailed(_one_file(self.text_fields), error_code="one_file_expected")
                    part = event
                    chunks, content_type = await prepare(event, _file_chunks(events))
                    stored = True
                    try:
                        size = await self.store.put_stream(
                            key, chunks, content_type=content_type, max_bytes=room if capped else limits.max_file_bytes
                        )
                    except PayloadTooLarge:
                        if capped and over_room is not None:
                            raise over_room() from None
                        raise
                else:
                    fields[event.name] = await self._field(events, event, fields)
            if part is None:
                raise ValidationFailed("the form has no 'file' part", error_code="file_required")
            if size == 0:
                raise ValidationFailed("the uploaded file is empty", error_code="empty_upload")
            yield StoredForm(key, size, part.filename, part.content_type, fields)
        except BaseException:
            if stored:
                await self.store.delete(key)
            raise

    async def _field(self, events: AsyncIterator[object], part: PartStart, seen: dict[str, str]) -> str:
        # Refused as soon as the part starts: at most one small value per known field is ever
        # held in memory, however many parts a body carries.
        if part.name not in self.text_fields:
            raise ValidationFailed(f"unknown form field: {part.name!r}", error_code="unknown_field")
        if part.name in seen:
            raise ValidationFailed(f"the field {part.name!r} is given twice", error_code="duplicate_field")
        value = bytearray()
        async for event in events:
            if isinstance(event, PartEnd):
                break
            if isinstance(event, PartData):
                value += event.data
                if len(value) > MAX_FIELD_BYTES:
                    raise ValidationFailed(f"the field {part.name!r} is too long", error_code="field_too_long")
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationFailed(f"the field {part.name!r} is not UTF-8 text", error_code="invalid_field") from None


def _one_file(text_fields: frozenset[str]) -> str:
    if text_fields:
        return "send exactly one file, in the field 'file'"
    return "send exactly one part, the file in the field 'file'"


async def _file_chunks(events: AsyncIterator[object]) -> AsyncIterator[bytes]:
    """The bytes of the current part; a body that ends inside the part is an error."""
    async for event in events:
        if isinstance(event, PartData):
            yield event.data
        elif isinstance(event, PartEnd):
            return
    raise BadRequest("the upload ended before the file was complete", error_code="upload_incomplete")
